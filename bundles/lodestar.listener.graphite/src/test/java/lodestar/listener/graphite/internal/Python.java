package lodestar.listener.graphite.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Runs snippets in one python3 process kept for the whole test JVM (starting python once per pickle
 * costs seconds on a busy machine). A snippet sets {@code out} to the bytes it returns.
 */
final class Python {

    private static final String SERVER = String.join("\n",
            "import sys, struct, traceback",
            "inp, outp = sys.stdin.buffer, sys.stdout.buffer",
            "while True:",
            "    h = inp.read(4)",
            "    if len(h) < 4:",
            "        break",
            "    src = inp.read(struct.unpack('!I', h)[0]).decode('utf-8')",
            "    ns = {}",
            "    try:",
            "        exec(src, ns)",
            "        data = ns.get('out', b'')",
            "        outp.write(struct.pack('!i', len(data)) + data)",
            "    except Exception:",
            "        msg = traceback.format_exc().encode()",
            "        outp.write(struct.pack('!i', -1) + struct.pack('!i', len(msg)) + msg)",
            "    outp.flush()",
            "");

    private static Process process;
    private static DataOutputStream toPython;
    private static DataInputStream fromPython;
    private static Boolean available;

    private Python() {
    }

    private static synchronized boolean start() {
        if (available == null) {
            try {
                process = new ProcessBuilder("python3", "-c", SERVER).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                toPython = new DataOutputStream(process.getOutputStream());
                fromPython = new DataInputStream(process.getInputStream());
                Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
                available = true;
            } catch (IOException e) {
                available = false;
            }
        }
        return available;
    }

    /**
     * The {@code out} bytes of a python3 snippet; the test is skipped without python3 unless CI=true.
     *
     * @param args become {@code sys.argv[1:]}
     */
    static synchronized byte[] run(String script, String... args) throws Exception {
        boolean ok = start();
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(ok, "python3 not found");
        }
        StringBuilder src = new StringBuilder("import sys\nsys.argv = ['test'");
        for (String a : args) {
            src.append(", '").append(a.replace("\\", "\\\\").replace("'", "\\'")).append('\'');
        }
        src.append("]\n").append(script);
        byte[] b = src.toString().getBytes(StandardCharsets.UTF_8);
        toPython.writeInt(b.length);
        toPython.write(b);
        toPython.flush();
        int n = fromPython.readInt();
        if (n < 0) {
            byte[] err = new byte[fromPython.readInt()];
            fromPython.readFully(err);
            throw new AssertionError("python3 failed: " + new String(err, StandardCharsets.UTF_8));
        }
        byte[] out = new byte[n];
        fromPython.readFully(out);
        return out;
    }

    /** {@code pickle.dumps(<expr>, protocol=<protocol>)} written by python3 (protocol "None": the default). */
    static byte[] pickle(String expr, String protocol) throws Exception {
        return run("import pickle\nout = pickle.dumps(" + expr + ", protocol=" + protocol + ")");
    }

}
