package lodestar.support.net;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/** What a UDP listener does with each datagram ({@link UdpSocket#serve}). Called on the receiver's thread only. */
@FunctionalInterface
public interface DatagramHandler {

    /**
     * @param data the datagram, from position 0 to the limit, in a heap buffer ({@code data.array()}) that is
     *        reused for the next datagram: copy what must outlive the call
     * @param from the sender
     */
    void datagram(ByteBuffer data, SocketAddress from);
}
