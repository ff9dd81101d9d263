package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestTrustedProxy: X-Forwarded-For names the client only when the peer
// is a trusted proxy, the right-most hop that is not a trusted proxy
// being the client; from any other peer, or when the header is
// malformed, the peer stays the client.
func TestTrustedProxy(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, 192.168.1.5")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseTrustedProxies("10.0.0.0/33"); err == nil {
		t.Fatal("a bad prefix is accepted")
	}
	s := &Server{TrustedProxies: proxies}
	var seen string
	h := s.realClient(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = clientIP(r) }))
	for _, c := range []struct{ peer, xff, want string }{
		{"10.1.2.3:5000", "203.0.113.7", "203.0.113.7"},
		{"10.1.2.3:5000", "198.51.100.1, 203.0.113.7, 10.9.9.9", "203.0.113.7"},
		{"192.168.1.5:80", "203.0.113.8", "203.0.113.8"},
		{"[::ffff:10.1.2.3]:80", "2001:db8::1", "2001:db8::1"},
		{"203.0.113.9:5000", "1.2.3.4", "203.0.113.9"},
		{"192.168.1.6:5000", "1.2.3.4", "192.168.1.6"},
		{"10.1.2.3:5000", "garbage", "10.1.2.3"},
		{"10.1.2.3:5000", "", "10.1.2.3"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if seen != c.want {
			t.Errorf("peer %s, X-Forwarded-For %q: client %s, want %s", c.peer, c.xff, seen, c.want)
		}
	}
}
