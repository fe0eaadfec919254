package lodestar.beacon.example;

import java.util.concurrent.ThreadLocalRandom;

import org.osgi.service.component.annotations.*;
import org.osgi.service.metatype.annotations.*;

import lodestar.api.Beacon;
import lodestar.api.Emitter;

/** A complete beacon: emits {@code <prefix>.dice} (a random 1..6) every {@code interval}. */
@Component(name = "lodestar.beacon.example", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ExampleBeacon.Config.class)
public class ExampleBeacon implements Beacon {

    @ObjectClassDefinition(name = "Lodestar example beacon", description = "Rolls a die every interval.")
    public @interface Config {
        @AttributeDefinition(description = "How often to roll, e.g. 1s.") String interval() default "10s";
        @AttributeDefinition(description = "Name prefix of the metric.") String prefix() default "example";
    }

    private final String name;

    @Activate
    public ExampleBeacon(Config config) {
        this.name = config.prefix() + ".dice";
    }

    @Override
    public void collect(Emitter out) {
        out.gauge(name, ThreadLocalRandom.current().nextInt(1, 7));
    }
}
