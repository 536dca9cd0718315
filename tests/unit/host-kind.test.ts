import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { checkPublicHttpsUrl, hostKind, ipRange, nonPublicHost, type HostKind } from "@/lib/net/host-kind";

describe("hostKind", () => {
  it.each<[string, HostKind]>([
    ["8.8.8.8", "public"],
    ["172.15.255.255", "public"],
    ["172.32.0.1", "public"],
    ["100.128.0.1", "public"],
    ["[2606:4700::1111]", "public"],
    ["2606:4700::1111", "public"],
    ["example.com", "public"],
    ["cafe.de", "public"], // hex letters and dots, but a name
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["127.1", "loopback"], // the short form a URL accepts
    ["2130706433", "loopback"], // decimal
    ["0x7f000001", "loopback"], // hex
    ["0177.0.0.1", "loopback"], // octal
    ["127.0.0.1.", "loopback"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["[0:0:0:0:0:0:0:1]", "loopback"],
    ["::ffff:127.0.0.1", "loopback"], // IPv4-mapped, as a socket reports it
    ["[::ffff:7f00:1]", "loopback"], // IPv4-mapped, as a URL writes it
    ["10.0.0.5", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.20", "private"],
    ["100.64.1.2", "private"],
    ["[fd00::5]", "private"],
    ["[::ffff:10.1.2.3]", "private"],
    ["169.254.169.254", "link-local"],
    ["[fe80::1]", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.1", "special"],
    ["255.255.255.255", "special"],
    ["192.0.2.1", "special"],
    ["[ff02::1]", "special"],
    ["[2001:db8::1]", "special"],
    ["[2002:7f00:1::]", "special"], // 6to4 carries an IPv4 address
    ["localhost", "localhost-name"],
    ["LOCALHOST.", "localhost-name"],
    ["media.localhost", "localhost-name"],
    ["intranet", "local-name"],
    ["nas.local", "local-name"],
    ["metadata.google.internal", "local-name"],
    ["router.home.arpa", "local-name"],
    ["printer.lan", "local-name"],
  ])("%s is %s", (host, kind) => {
    expect(hostKind(host)).toBe(kind);
  });
});

describe("ipRange", () => {
  it.each([
    "1.2.3.4",
    "100.63.255.255",
    "100.64.0.0",
    "198.18.0.1",
    "198.20.0.1",
    "240.0.0.1",
    "192.175.48.1",
    "::",
    "::2",
    "::ffff:1.2.3.4",
    "::ffff:0:1.2.3.4",
    "64:ff9b::1.2.3.4",
    "64:ff9b:1::1",
    "100::1",
    "2001::1",
    "2001:1::1",
    "2001:2::1",
    "2001:3::1",
    "2001:4:112::1",
    "2001:10::1",
    "2001:20::1",
    "2001:30::1",
    "2001:1ff::1",
    "2001:200::1",
    "2620:4f:8000::1",
    "3fff::1",
    "5f00::1",
    "fec0::1",
    "fe80::1",
    "febf::1",
    "fc00::1",
    "ff00::1",
  ])("names %s's range as ipaddr.js does", (address) => {
    expect(ipRange(address)).toBe(ipaddr.process(address).range());
  });

  it.each(["example.com", "1.2.3.4.5", "256.1.1.1", "1.2.3.4@127.0.0.1", "::g", "", "[]"])(
    "is null for %j, which is not an IP literal",
    (host) => {
      expect(ipRange(host)).toBeNull();
    },
  );
});

describe("nonPublicHost", () => {
  it.each([
    ["8.8.8.8", null],
    ["example.com", null],
    ["127.0.0.1", "loopback"],
    ["[fd00::5]", "uniqueLocal"],
    ["169.254.169.254", "linkLocal"],
    ["nas.local", "local-only"],
    ["localhost", "local-only"],
  ])("%s → %s", (host, range) => {
    expect(nonPublicHost(host)).toBe(range);
  });
});

describe("checkPublicHttpsUrl", () => {
  it.each([
    ["not a url", "not-a-url"],
    ["http://example.com/a.mp4", "not-https"],
    ["https://user:pass@example.com/a.mp4", "credentials"],
    ["https://0x7f000001/a.mp4", "non-public-host"],
    ["https://[::ffff:192.168.0.1]/a.mp4", "non-public-host"],
    ["https://localhost./a.mp4", "non-public-host"],
    ["https://example.com/a.mp4", null],
    ["https://[2606:4700::1111]/a.mp4", null],
  ])("%s → %s", (raw, problem) => {
    expect(checkPublicHttpsUrl(raw).problem).toBe(problem);
  });
});
