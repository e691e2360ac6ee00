package httpapi

import (
	"net"
	"net/netip"
	"strings"
	"sync"
)

// perClientListener closes, at once, connections from a client address
// that already holds max of them.
type perClientListener struct {
	net.Listener
	max    int
	exempt []netip.Prefix

	mu   sync.Mutex
	open map[string]int
}

func newPerClientListener(ln net.Listener, max int, trusted []string) *perClientListener {
	l := &perClientListener{Listener: ln, max: max, open: map[string]int{}}
	for _, t := range trusted {
		if p, err := netip.ParsePrefix(strings.TrimSpace(t)); err == nil {
			l.exempt = append(l.exempt, p)
		} else if a, err := netip.ParseAddr(strings.TrimSpace(t)); err == nil {
			l.exempt = append(l.exempt, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return l
}

func (l *perClientListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key, capped := l.clientKey(c.RemoteAddr())
		if !capped {
			return c, nil
		}
		l.mu.Lock()
		full := l.open[key] >= l.max
		if !full {
			l.open[key]++
		}
		l.mu.Unlock()
		if full {
			c.Close()
			continue
		}
		return &countedConn{Conn: c, release: func() { l.release(key) }}, nil
	}
}

func (l *perClientListener) release(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[key]--; l.open[key] <= 0 {
		delete(l.open, key)
	}
}

// clientKey is the address one client controls (an IPv4 address, an IPv6
// /64), and whether it is capped at all.
func (l *perClientListener) clientKey(a net.Addr) (string, bool) {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "", false
	}
	ip, ok := netip.AddrFromSlice(tcp.IP)
	if !ok {
		return "", false
	}
	ip = ip.Unmap()
	for _, p := range l.exempt {
		if p.Contains(ip) {
			return "", false
		}
	}
	if ip.Is4() {
		return ip.String(), true
	}
	p, _ := ip.Prefix(64)
	return p.String(), true
}

// countedConn gives its place back once, when closed.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
