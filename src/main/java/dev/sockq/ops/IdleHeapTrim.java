package dev.sockq.ops;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Lets the JVM hand memory back once sockq goes idle: a queue's backlog comes and goes, and
 * G1 by default keeps the heap it grew for a burst (at 1,000,000 stored jobs of 100 bytes: about
 * 670 MiB of RSS for about 290 MiB of live data).
 *
 * <p>With G1, unless the operator set them on the command line, this sets three manageable
 * HotSpot flags at start: a collection after {@value #IDLE_MS} ms without one
 * ({@code G1PeriodicGCInterval}), after which G1 shrinks the heap to within
 * {@value #MAX_FREE_PERCENT}% free space ({@code MinHeapFreeRatio}/{@code MaxHeapFreeRatio}). Under
 * load collections happen anyway, so the periodic one never runs there.
 */
public final class IdleHeapTrim {
    static final int IDLE_MS = 5000;
    static final int MIN_FREE_PERCENT = 10;
    static final int MAX_FREE_PERCENT = 20;

    private IdleHeapTrim() {
    }

    /** Sets what the operator left at its default; returns the flags it set, as NAME=VALUE. */
    public static List<String> apply() {
        List<String> set = new ArrayList<>();
        HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (hs == null || !"true".equals(hs.getVMOption("UseG1GC").getValue())) {
            return set;
        }
        boolean ratiosDefault = isDefault(hs, "MinHeapFreeRatio") && isDefault(hs, "MaxHeapFreeRatio");
        if (ratiosDefault) {
            // the minimum first: a maximum below the current minimum would be refused
            set(hs, "MinHeapFreeRatio", MIN_FREE_PERCENT, set);
            set(hs, "MaxHeapFreeRatio", MAX_FREE_PERCENT, set);
        }
        if (isDefault(hs, "G1PeriodicGCInterval")) {
            set(hs, "G1PeriodicGCInterval", IDLE_MS, set);
        }
        return set;
    }

    private static boolean isDefault(HotSpotDiagnosticMXBean hs, String flag) {
        try {
            return hs.getVMOption(flag).getOrigin() == VMOption.Origin.DEFAULT;
        } catch (IllegalArgumentException unknownFlag) {
            return false;
        }
    }

    private static void set(HotSpotDiagnosticMXBean hs, String flag, int value, List<String> set) {
        try {
            hs.setVMOption(flag, Integer.toString(value));
            set.add(flag + "=" + value);
        } catch (IllegalArgumentException | SecurityException notSettable) {
            // not manageable in this JVM: it keeps its own sizing, nothing else changes
        }
    }
}
