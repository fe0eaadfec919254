package lodestar.core.internal;

import java.util.Dictionary;

import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.annotations.Component;

import lodestar.support.secrets.Secrets;

/**
 * Keeps secrets (passwords, API tokens: properties {@linkplain Secrets#isSecret named as secrets}) of every
 * {@code lodestar.*} configuration away from Declarative Services, which would otherwise publish them as
 * service properties, visible to {@code scr:info}, the console's Components page and any bundle. ConfigAdmin
 * calls this plugin on the copy it hands to DS; the configuration itself keeps them, and the component reads them
 * with {@link Secrets#of(ConfigurationAdmin, java.util.Map)}. Other configurations (the web console's own
 * {@code password}, for one) are left alone.
 *
 * <p>Registered by the core at start level 1, before FileInstall (start level 2) applies {@code conf/}.
 */
@Component(service = ConfigurationPlugin.class, immediate = true,
        property = ConfigurationPlugin.CM_RANKING + ":Integer=0")
public final class SecretsPlugin implements ConfigurationPlugin {

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        Object factoryPid = properties.get(ConfigurationAdmin.SERVICE_FACTORYPID);
        Object pid = factoryPid != null ? factoryPid : properties.get(Constants.SERVICE_PID);
        if (pid instanceof String p && p.startsWith("lodestar.")) {
            Secrets.strip(properties);
        }
    }
}
