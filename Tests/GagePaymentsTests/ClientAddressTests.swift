import Testing
@testable import GagePayments

/// Which address a request is counted under (SPEC §9, `GAGE_TRUSTED_PROXIES`).
@Suite struct ClientAddressTests {
    static func client(_ remote: String, forwarded: String? = nil, trusted: String? = nil) -> String? {
        var environment = ["REMOTE_ADDR": remote]
        environment["HTTP_X_FORWARDED_FOR"] = forwarded
        environment["GAGE_TRUSTED_PROXIES"] = trusted
        return ClientAddress.resolve(environment: environment)
    }

    @Test func test_without_trusted_proxies_the_socket_counts_whatever_the_header_says() {
        #expect(Self.client("203.0.113.7", forwarded: "198.51.100.1") == "203.0.113.7")
        #expect(Self.client("10.0.0.2", forwarded: "198.51.100.1", trusted: "10.0.0.1/32") == "10.0.0.2")
    }

    @Test func test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = "10.0.0.0/8, 192.168.1.1"
        #expect(Self.client("10.0.0.2", forwarded: "198.51.100.1", trusted: trusted) == "198.51.100.1")
        // The client wrote the left part itself: only what the trusted proxies appended is believed.
        #expect(Self.client("10.0.0.2", forwarded: "1.2.3.4, 198.51.100.1, 192.168.1.1", trusted: trusted)
                == "198.51.100.1")
        #expect(Self.client("10.0.0.2", forwarded: "10.1.1.1", trusted: trusted) == "10.0.0.2")
        #expect(Self.client("10.0.0.2", trusted: trusted) == "10.0.0.2")
    }

    @Test func test_ipv6_proxies_and_clients() {
        #expect(Self.client("::1", forwarded: "2001:db8::7", trusted: "::1/128") == "2001:db8::7")
        #expect(Self.client("2001:db8:1::5", forwarded: "2001:db8::7", trusted: "2001:db8:1::/48") == "2001:db8::7")
        #expect(Self.client("2001:db8:2::5", forwarded: "2001:db8::7", trusted: "2001:db8:1::/48") == "2001:db8:2::5")
    }

    @Test func test_malformed_lists_trust_nothing_they_do_not_name() {
        #expect(Self.client("10.0.0.2", forwarded: "198.51.100.1", trusted: "10.0.0.0/99, nonsense") == "10.0.0.2")
        #expect(Self.client("10.0.0.2", forwarded: "not-an-address", trusted: "10.0.0.0/8") == "not-an-address")
    }
}
