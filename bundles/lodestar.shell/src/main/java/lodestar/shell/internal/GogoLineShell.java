package lodestar.shell.internal;

import java.io.InputStream;
import java.io.PrintStream;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;

/** A {@link LineShell} backed by a Gogo session whose stdin, stdout and stderr are the connection. */
final class GogoLineShell implements LineShell {

    private final CommandSession session;

    GogoLineShell(CommandProcessor processor, InputStream in, PrintStream out) {
        this.session = processor.createSession(in, out, out);
    }

    @Override
    public Object execute(String line) throws Exception {
        try {
            Object result = session.execute(line);
            session.put("_", result);
            return result;
        } catch (Exception e) {
            // as gosh does: '$exception printStackTrace' shows the trace the prompt leaves out
            session.put("exception", e);
            throw e;
        } finally {
            session.getConsole().flush();
        }
    }

    @Override
    public CharSequence format(Object result) {
        return session.format(result, Converter.INSPECT);
    }

    @Override
    public void close() {
        session.close();
    }
}
