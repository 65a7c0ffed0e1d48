package dev.sockq.ops;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The idle heap trim sets G1's flags in this very JVM, and leaves flags alone once they are not defaults. */
class IdleHeapTrimTest {
    private final HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    @Test
    void setsTheDefaultFlagsOnceAndNeverOverridesWhatIsSet() {
        assumeTrue("true".equals(hs.getVMOption("UseG1GC").getValue()), "this JVM runs G1");
        boolean fresh = hs.getVMOption("G1PeriodicGCInterval").getOrigin() == VMOption.Origin.DEFAULT;
        List<String> set = IdleHeapTrim.apply();
        if (fresh) {
            assertTrue(set.contains("G1PeriodicGCInterval=" + IdleHeapTrim.IDLE_MS), set::toString);
        }
        for (String flag : List.of("G1PeriodicGCInterval", "MinHeapFreeRatio", "MaxHeapFreeRatio")) {
            VMOption o = hs.getVMOption(flag);
            assertTrue(o.getOrigin() != VMOption.Origin.DEFAULT, flag + " is set, by the trim or by the JVM's options");
        }
        assertEquals(Integer.toString(IdleHeapTrim.IDLE_MS), hs.getVMOption("G1PeriodicGCInterval").getValue());
        assertEquals(List.of(), IdleHeapTrim.apply(), "a second call finds nothing at its default");
    }
}
