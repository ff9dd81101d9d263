package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"hrss/rules/fault"
)

// ParseTrustedProxies reads a comma-separated list of addresses and CIDR
// prefixes (serve --trusted-proxy, HRSS_TRUSTED_PROXY), e.g.
// "10.0.0.0/8,192.168.1.5". It fails with Invalid (field trusted-proxy)
// naming the first entry that is neither.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fault.Invalidf("trusted-proxy", "proxy.cidr", "%q is neither an address nor a CIDR prefix (e.g. 10.0.0.0/8)", part)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// trusted reports whether a is one of s's trusted proxies.
func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// realClient puts the client's address in RemoteAddr when the request
// comes from a trusted proxy: the right-most address of X-Forwarded-For
// that is not itself a trusted proxy (each proxy appends the peer it
// saw, so addresses left of it are the client's own claims). From any
// other peer the header is ignored. The throttle, the request log and
// the audit trail read the address through clientIP.
func (s *Server) realClient(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(s.TrustedProxies) > 0 {
			if client, ok := s.forwardedFor(r); ok {
				r.RemoteAddr = net.JoinHostPort(client.String(), "0")
			}
		}
		next.ServeHTTP(w, r)
	})
}

// forwardedFor returns the client named by X-Forwarded-For when the peer
// is trusted; ok is false otherwise or when the header holds no address.
func (s *Server) forwardedFor(r *http.Request) (netip.Addr, bool) {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil || !s.trusted(peer.Addr()) {
		return netip.Addr{}, false
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	var client netip.Addr
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: trust nothing left of it
		}
		client = a.Unmap()
		if !s.trusted(client) {
			break
		}
	}
	return client, client.IsValid()
}
