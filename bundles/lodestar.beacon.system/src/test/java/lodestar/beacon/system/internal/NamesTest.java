package lodestar.beacon.system.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/|root",
            "/var/lib|var_lib",
            "/var/lib/|var_lib",
            "/home|home",
            "/mnt/my disk|mnt_my_disk",
            "/mnt/usb.stick|mnt_usb_stick",
            "/boot/efi|boot_efi",
            "/srv/data-1|srv_data-1",
            "C:\\|C_",
            "D:\\data|D__data",
            "//|root"})
    void mountPoints(String mount, String expected) {
        assertEquals(expected, Names.mount(mount));
    }

    @Test
    void nullOrEmptyMountIsRoot() {
        assertEquals("root", Names.mount(null));
        assertEquals("root", Names.mount(""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/dev/sda|sda",
            "/dev/nvme0n1|nvme0n1",
            "/dev/mapper/vg-root|mapper_vg-root",
            "vda|vda",
            "\\\\.\\PHYSICALDRIVE0|PHYSICALDRIVE0",
            "disk0|disk0"})
    void devices(String device, String expected) {
        assertEquals(expected, Names.device(device));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "eth0|eth0",
            "wlp3s0.100|wlp3s0_100",
            "br-1a2b|br-1a2b",
            "Local Area Connection* 2|Local_Area_Connection__2",
            "ümlaut|_mlaut"})
    void components(String raw, String expected) {
        assertEquals(expected, Names.component(raw));
    }

    @Test
    void componentNeverContainsADotOrIsEmpty() {
        assertEquals("_", Names.component(""));
        assertEquals("_", Names.component(null));
        assertTrue(Names.component("a.b.c").matches("[A-Za-z0-9_-]+"));
    }

    @Test
    void hostIsConfiguredOrShortDetected() {
        assertEquals("web01", Names.host("", "web01.example.com"));
        assertEquals("web01", Names.host(null, "web01"));
        assertEquals("web01_example_com", Names.host("web01.example.com", "ignored"));
        assertEquals("my_box", Names.host(" my box ", null));
        assertEquals("localhost", Names.host("", null));
        assertEquals("localhost", Names.host("  ", ""));
    }

    @Test
    void prefixIsValidated() {
        assertEquals("system", Names.prefix("system"));
        assertEquals("dc1.servers", Names.prefix(" dc1.servers "));
        assertEquals("", Names.prefix(""));
        for (String bad : new String[] {"a..b", ".a", "a.", "has space", "a/b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Names.prefix(bad));
            assertTrue(e.getMessage().startsWith("prefix:"), e.getMessage());
        }
    }

    @Test
    void base() {
        assertEquals("system.vm.", Names.base("system", "vm"));
        assertEquals("vm.", Names.base("", "vm"));
    }
}
