package lodestar.core.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;

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
import org.osgi.service.metatype.MetaTypeInformation;
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
 * configuration PID; metatype then answers with it instead of the sink's own form. A sink bundle that goes
 * takes its registration with it.
 */
@Component(immediate = true)
public final class SinkForms {

    private static final Logger LOG = LoggerFactory.getLogger(SinkForms.class);

    private final BundleContext context;
    private final MetaTypeService metatype;
    /** by bundle id and PID */
    private final Map<String, ServiceRegistration<MetaTypeProvider>> forms = new HashMap<>();
    private volatile ServiceComponentRuntime scr;
    private volatile boolean active;

    @Activate
    public SinkForms(BundleContext context, @Reference MetaTypeService metatype) {
        this.context = context;
        this.metatype = metatype;
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
            if (!forms.containsKey(key)) {
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
        MetaTypeInformation mti = metatype.getMetaTypeInformation(bundle);
        if (mti == null) {
            return;
        }
        boolean factory = mti.getFactoryPids() != null && Arrays.asList(mti.getFactoryPids()).contains(pid);
        boolean single = mti.getPids() != null && Arrays.asList(mti.getPids()).contains(pid);
        if (!factory && !single) {
            LOG.warn("sink {} in {} has no configuration form (metatype) to add the runner fields to", pid,
                    bundle.getSymbolicName());
            return;
        }
        Map<String, ObjectClassDefinition> own = new HashMap<>();
        String[] locales = mti.getLocales();
        for (String locale : locales == null ? new String[] {null} : append(locales)) {
            ObjectClassDefinition ocd = mti.getObjectClassDefinition(pid, locale);
            if (ocd == null || SinkForm.isOurs(ocd)) {
                return; // a form of ours already stands there (a rescan raced a registration)
            }
            own.put(locale, ocd);
            duplicates(bundle, pid, ocd);
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(factory ? MetaTypeProvider.METATYPE_FACTORY_PID : MetaTypeProvider.METATYPE_PID, pid);
        try {
            forms.put(key, bundle.getBundleContext().registerService(MetaTypeProvider.class, new SinkForm(pid, own, locales), props));
        } catch (IllegalStateException e) {
            LOG.debug("sink bundle {} stopped while its form was added", bundle.getSymbolicName());
        }
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

    private static String[] append(String[] locales) {
        String[] all = Arrays.copyOf(locales, locales.length + 1);
        all[locales.length] = null;
        return all;
    }

    private static void unregister(ServiceRegistration<?> r) {
        try {
            r.unregister();
        } catch (IllegalStateException e) {
            // the sink bundle stopped: the framework took the registration with it
        }
    }
}
