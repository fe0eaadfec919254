package lodestar.testkit.sinks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every sink of the repository, found the way the framework finds it: each built bundle under
 * {@code bundles/*}{@code /target} whose Declarative Services descriptions provide {@code lodestar.api.Sink}, with
 * the configuration PID of that component and the fields its own metatype declares for it. Tests use it to hold
 * every sink, including the next one written, to the platform's conventions.
 */
public final class SinkBundles {

    /**
     * One sink component.
     *
     * @param bundle    the bundle's jar
     * @param component the component's name
     * @param pid       its configuration PID
     * @param factory   whether its form is for a factory PID (named instances)
     * @param ownFields the attribute ids of its own metatype form, in order (empty when it has none)
     */
    public record Sink(Path bundle, String component, String pid, boolean factory, List<String> ownFields) {
    }

    private SinkBundles() {
    }

    /** The sinks in the bundles built under {@code bundlesDir} ({@code <repo>/bundles}). */
    public static List<Sink> in(Path bundlesDir) throws IOException {
        List<Sink> sinks = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(bundlesDir)) {
            for (Path dir : dirs.sorted().toList()) {
                Path target = dir.resolve("target");
                if (!Files.isDirectory(target)) {
                    continue;
                }
                try (Stream<Path> jars = Files.list(target)) {
                    for (Path jar : jars.filter(p -> p.getFileName().toString().endsWith(".jar")
                            && !p.getFileName().toString().endsWith("-sources.jar")).sorted().toList()) {
                        sinks.addAll(of(jar));
                    }
                }
            }
        }
        return sinks;
    }

    /** The sink components of one bundle jar. */
    public static List<Sink> of(Path jar) throws IOException {
        List<Sink> sinks = new ArrayList<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> e = j.entries(); e.hasMoreElements();) {
                JarEntry entry = e.nextElement();
                String n = entry.getName();
                if (!n.startsWith("OSGI-INF/") || n.startsWith("OSGI-INF/metatype/") || !n.endsWith(".xml")) {
                    continue;
                }
                Document d = parse(j, entry);
                Element c = d.getDocumentElement();
                if (!provides(c, "lodestar.api.Sink")) {
                    continue;
                }
                String name = c.getAttribute("name");
                String pid = c.hasAttribute("configuration-pid") ? c.getAttribute("configuration-pid").split("\\s+")[0] : name;
                sinks.add(form(j, jar, name, pid));
            }
        }
        return sinks;
    }

    private static boolean provides(Element component, String service) {
        NodeList provides = component.getElementsByTagNameNS("*", "provide");
        if (provides.getLength() == 0) {
            provides = component.getElementsByTagName("provide");
        }
        for (int i = 0; i < provides.getLength(); i++) {
            if (service.equals(((Element) provides.item(i)).getAttribute("interface"))) {
                return true;
            }
        }
        return false;
    }

    private static Sink form(JarFile j, Path jar, String component, String pid) throws IOException {
        for (Enumeration<JarEntry> e = j.entries(); e.hasMoreElements();) {
            JarEntry entry = e.nextElement();
            if (!entry.getName().startsWith("OSGI-INF/metatype/") || !entry.getName().endsWith(".xml")) {
                continue;
            }
            Element root = parse(j, entry).getDocumentElement();
            NodeList designates = root.getElementsByTagName("Designate");
            for (int i = 0; i < designates.getLength(); i++) {
                Element des = (Element) designates.item(i);
                boolean factory = pid.equals(des.getAttribute("factoryPid"));
                if (!factory && !pid.equals(des.getAttribute("pid"))) {
                    continue;
                }
                String ocdRef = ((Element) des.getElementsByTagName("Object").item(0)).getAttribute("ocdref");
                NodeList ocds = root.getElementsByTagName("OCD");
                for (int k = 0; k < ocds.getLength(); k++) {
                    Element ocd = (Element) ocds.item(k);
                    if (ocdRef.equals(ocd.getAttribute("id"))) {
                        List<String> fields = new ArrayList<>();
                        NodeList ads = ocd.getElementsByTagName("AD");
                        for (int a = 0; a < ads.getLength(); a++) {
                            fields.add(((Element) ads.item(a)).getAttribute("id"));
                        }
                        return new Sink(jar, component, pid, factory, List.copyOf(fields));
                    }
                }
            }
        }
        return new Sink(jar, component, pid, false, List.of());
    }

    private static Document parse(JarFile j, JarEntry entry) throws IOException {
        try (InputStream in = j.getInputStream(entry)) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(false);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(in);
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IOException(entry.getName() + ": " + e.getMessage(), e);
        }
    }
}
