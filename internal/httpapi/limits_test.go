package httpapi_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/httpapi"
)

// 300 clients dripping a login body (1 byte every 5 s) or their headers
// once held their connections for minutes. On a real listener with the
// server's limits, each is cut off within seconds, while /healthz keeps
// answering promptly.
func TestSlowClientsAreCutOffWhileHealthzAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 12 s")
	}
	e := newEnv(t)
	// Every client here is 127.0.0.1: exempt it from the per-client cap
	// (TestOneClientHoldsAtMostAQuarterOfTheConnections), which this test
	// is not about.
	ln, err := httpapi.Listen("127.0.0.1:0", 1000, []string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httpapi.NewServer(e.app.Handler)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	addr := ln.Addr().String()

	const clients = 300
	const slowHeaders = 3 // every third client drips its headers instead of its body
	limit := httpapi.BodyReadTimeout + 3*time.Second
	var wg sync.WaitGroup
	held := make(chan string, clients)
	answers := make(chan string, clients)
	start := time.Now()
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				held <- fmt.Sprintf("client %d: %v", i, err)
				return
			}
			defer conn.Close()
			head := "POST /api/v1/auth/login HTTP/1.1\r\nHost: sohoi\r\nContent-Type: application/json\r\nContent-Length: 64\r\n"
			drip := `{"username":"admin","password":"admin-password-1"}` + strings.Repeat(" ", 20)
			if i%slowHeaders == 0 {
				drip = "X-Slow: " + strings.Repeat("a", 60)
			} else {
				head += "\r\n"
			}
			if _, err := io.WriteString(conn, head); err != nil {
				held <- fmt.Sprintf("client %d: %v", i, err)
				return
			}
			done := make(chan []byte, 1)
			go func() {
				b, _ := io.ReadAll(conn) // returns when the server closes the connection
				done <- b
			}()
			tick := time.NewTicker(5 * time.Second)
			defer tick.Stop()
			for j := 0; ; j++ {
				select {
				case b := <-done:
					if took := time.Since(start); took > limit {
						held <- fmt.Sprintf("client %d was held %s", i, took.Round(time.Millisecond))
					}
					answers <- string(b)
					return
				case <-tick.C:
					_, _ = conn.Write([]byte{drip[j%len(drip)]})
				case <-time.After(limit + 5*time.Second - time.Since(start)):
					held <- fmt.Sprintf("client %d still connected after %s", i, time.Since(start).Round(time.Millisecond))
					return
				}
			}
		}()
	}

	// /healthz answers promptly all along.
	client := &http.Client{Timeout: 2 * time.Second}
	for range 6 {
		time.Sleep(time.Second)
		t0 := time.Now()
		res, err := client.Get("http://" + addr + "/healthz")
		if err != nil {
			t.Fatalf("/healthz under load: %v", err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || time.Since(t0) > 500*time.Millisecond {
			t.Errorf("/healthz under load: %d in %s", res.StatusCode, time.Since(t0))
		}
	}

	wg.Wait()
	close(held)
	close(answers)
	for h := range held {
		t.Error(h)
	}
	// A client cut off in its body is told why.
	told := false
	for a := range answers {
		if strings.Contains(a, "did not arrive within") {
			told = true
		}
	}
	if !told {
		t.Error("no slow-body client got an answer saying why it was cut off")
	}
}

// One client address holds at most a quarter of the connection places; its
// connections beyond are closed at once, and a place it gives back can be
// taken again. A trusted proxy, which carries many clients, is not capped.
func TestOneClientHoldsAtMostAQuarterOfTheConnections(t *testing.T) {
	e := newEnv(t)
	serve := func(trusted []string) string {
		ln, err := httpapi.Listen("127.0.0.1:0", 8, trusted) // 2 per client
		if err != nil {
			t.Fatal(err)
		}
		srv := httpapi.NewServer(e.app.Handler)
		go func() { _ = srv.Serve(ln) }()
		t.Cleanup(func() { _ = srv.Close() })
		return ln.Addr().String()
	}
	// healthz asks on conn and reports whether an answer came.
	healthz := func(conn net.Conn) bool {
		_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
		if _, err := conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
			return false
		}
		buf := make([]byte, 12)
		n, _ := io.ReadFull(conn, buf)
		return n == 12 && string(buf) == "HTTP/1.1 200"
	}
	dial := func(addr string) net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	capped := serve(nil)
	a, b := dial(capped), dial(capped)
	if !healthz(a) || !healthz(b) {
		t.Fatal("the first two connections were not served")
	}
	if healthz(dial(capped)) {
		t.Fatal("a third connection from the same client was served")
	}
	a.Close()
	time.Sleep(50 * time.Millisecond)
	if !healthz(dial(capped)) {
		t.Fatal("a place given back could not be taken again")
	}
	proxied := serve([]string{"127.0.0.0/8"})
	for i := range 3 {
		if !healthz(dial(proxied)) {
			t.Fatalf("connection %d from a trusted proxy was not served", i+1)
		}
	}
}
