package lodestar.core.internal;

import java.io.IOException;
import java.net.URL;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;

import org.apache.felix.metatype.DefaultMetaTypeProvider;
import org.apache.felix.metatype.Designate;
import org.apache.felix.metatype.MetaData;
import org.apache.felix.metatype.MetaDataReader;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.metatype.MetaTypeProvider;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.RunnerProperties;
import lodestar.api.Sink;

/**
 * Adds the core's runner fields ({@link RunnerAttributes}) to the configuration form of every {@link Sink}
 * component, so the web console shows them although no sink declares them: for each component providing
 * {@code Sink} (found through {@link ServiceComponentRuntime}, rescanned whenever SCR's components change),
 * it registers, in the sink bundle's name as an extender does, a {@link SinkForm} for the component's
 * configuration PID; metatype then answers with it instead of the sink's own form (Felix metatype keeps the
 * last provider registered for a PID). A sink bundle that goes takes its registration with it; one that
 * comes back gets a new one.
 */
@Component(immediate = true)
public final class SinkForms {

    private static final Logger LOG = LoggerFactory.getLogger(SinkForms.class);

    private final BundleContext context;
    /** by bundle id and PID */
    private final Map<String, ServiceRegistration<MetaTypeProvider>> forms = new HashMap<>();
    private volatile ServiceComponentRuntime scr;
    private volatile boolean active;

    /**
     * @param metatype not called: without a metatype service there are no forms to add to, so the component
     *                 waits for one (the OSGi integration tests run none)
     */
    @Activate
    public SinkForms(BundleContext context, @Reference MetaTypeService metatype) {
        this.context = context;
        this.active = true;
        rescan();
    }

    @Reference(policy = ReferencePolicy.DYNAMIC, updated = "scrChanged", unbind = "unsetScr")
    void setScr(ServiceComponentRuntime runtime) {
        this.scr = runtime;
        rescan();
    }

    /** SCR bumps {@code service.changecount} when components come or go: a sink bundle may have arrived. */
    void scrChanged(ServiceComponentRuntime runtime) {
        rescan();
    }

    void unsetScr(ServiceComponentRuntime runtime) {
        if (scr == runtime) {
            scr = null;
        }
    }

    @Deactivate
    synchronized void deactivate() {
        active = false;
        forms.values().forEach(SinkForms::unregister);
        forms.clear();
    }

    private synchronized void rescan() {
        ServiceComponentRuntime runtime = scr;
        if (runtime == null || !active) {
            return;
        }
        Set<String> present = new HashSet<>();
        for (ComponentDescriptionDTO d : runtime.getComponentDescriptionDTOs()) {
            if (d.serviceInterfaces == null || !Arrays.asList(d.serviceInterfaces).contains(Sink.class.getName())
                    || d.configurationPid == null || d.configurationPid.length == 0) {
                continue;
            }
            Bundle bundle = context.getBundle(d.bundle.id);
            if (bundle == null || bundle.getBundleContext() == null) {
                continue;
            }
            String pid = d.configurationPid[0];
            String key = bundle.getBundleId() + ":" + pid;
            present.add(key);
            if (!isLive(forms.get(key))) {
                register(bundle, pid, key);
            }
        }
        forms.keySet().removeIf(k -> {
            if (present.contains(k)) {
                return false;
            }
            unregister(forms.get(k));
            return true;
        });
    }

    private void register(Bundle bundle, String pid, String key) {
        Designated own = ownForm(bundle, pid);
        if (own == null) {
            LOG.warn("sink {} in {} has no configuration form (metatype) to add the runner fields to", pid,
                    bundle.getSymbolicName());
            return;
        }
        ObjectClassDefinition ocd = own.provider().getObjectClassDefinition(pid, null);
        if (ocd != null) {
            duplicates(bundle, pid, ocd);
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(own.factory() ? MetaTypeProvider.METATYPE_FACTORY_PID : MetaTypeProvider.METATYPE_PID, pid);
        try {
            forms.put(key, bundle.getBundleContext().registerService(MetaTypeProvider.class, new SinkForm(pid, own.provider()), props));
        } catch (IllegalStateException e) {
            LOG.debug("sink bundle {} stopped while its form was added", bundle.getSymbolicName());
        }
    }

    /** The sink's own form for {@code pid}, and whether it is a factory PID's. */
    private record Designated(MetaTypeProvider provider, boolean factory) {
    }

    /**
     * Read from the bundle's own metatype documents, not from the metatype service: once a form of ours stands
     * for the PID, the service answers with ours, and the sink's own would be out of reach when the core
     * restarts while the sink runs on.
     */
    private static Designated ownForm(Bundle bundle, String pid) {
        Enumeration<URL> docs = bundle.findEntries("OSGI-INF/metatype", "*.xml", false);
        while (docs != null && docs.hasMoreElements()) {
            URL doc = docs.nextElement();
            try {
                MetaData md = new MetaDataReader().parse(doc);
                if (md == null) {
                    continue;
                }
                DefaultMetaTypeProvider p = new DefaultMetaTypeProvider(bundle, md);
                Designate d = p.getDesignate(pid);
                if (d != null) {
                    return new Designated(p, d.getFactoryPid() != null);
                }
            } catch (IOException e) {
                LOG.warn("cannot read {} of {}: {}", doc, bundle.getSymbolicName(), e.toString());
            }
        }
        return null;
    }

    /** A sink that declares a runner field itself would show it twice, and drift from the core's: say so. */
    private static void duplicates(Bundle bundle, String pid, ObjectClassDefinition ocd) {
        var ads = ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
        for (var ad : ads == null ? new org.osgi.service.metatype.AttributeDefinition[0] : ads) {
            if (RunnerProperties.ALL.contains(ad.getID())) {
                LOG.warn("sink {} in {} declares the runner property {} itself; the core owns it (lodestar.api.RunnerProperties)",
                        pid, bundle.getSymbolicName(), ad.getID());
            }
        }
    }

    /** A sink bundle that was updated took our registration with it (same bundle id, new bundle). */
    private static boolean isLive(ServiceRegistration<?> r) {
        if (r == null) {
            return false;
        }
        try {
            r.getReference();
            return true;
        } catch (IllegalStateException unregistered) {
            return false;
        }
    }

    private static void unregister(ServiceRegistration<?> r) {
        try {
            r.unregister();
        } catch (IllegalStateException e) {
            // the sink bundle stopped: the framework took the registration with it
        }
    }
}
