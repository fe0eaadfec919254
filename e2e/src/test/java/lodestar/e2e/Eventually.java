package lodestar.e2e;

/** Polls a condition until it holds or time runs out: what the platform does is asynchronous (FileInstall, SCR). */
final class Eventually {

    interface Condition {
        boolean met() throws Exception;
    }

    private Eventually() {
    }

    /** Whether {@code c} holds within {@code millis}, checked every 200 ms and once more at the end. */
    static boolean within(long millis, Condition c) throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (c.met()) {
                return true;
            }
            Thread.sleep(200);
        }
        return c.met();
    }
}
