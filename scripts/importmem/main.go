// Command importmem measures what a server needs to import a large roll:
// it starts `sohoi serve` on a fresh embedded store, makes one commune
// with 20 branches through the API, writes a CSV of N believable new
// members (internal/demo) to a file, uploads it to POST /api/v1/imports
// and follows the job to its end, then reports the rows per second and
// the server's peak resident memory (VmHWM, read from /proc when the job
// ends: the kernel's high-water mark, so no peak between two samples is
// missed). Issue 17.6's target is < 300 MB for 1,000,000 rows.
//
//	go build -o /tmp/sohoi ./cmd/sohoi && go run ./scripts/importmem -sohoi /tmp/sohoi -rows 1000000
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/demo"
	"github.com/sohoi/sohoi/internal/imports"
	"github.com/sohoi/sohoi/internal/members"
)

const password = "importmem-admin-1"

func main() {
	bin := flag.String("sohoi", "", "the sohoi binary")
	rows := flag.Int("rows", 1_000_000, "rows in the file")
	addr := flag.String("addr", "127.0.0.1:18093", "where the server listens")
	flag.Parse()
	if *bin == "" {
		log.Fatal("-sohoi is required")
	}
	if err := run(*bin, *addr, *rows); err != nil {
		log.Fatal(err)
	}
}

func run(bin, addr string, n int) error {
	dir, err := os.MkdirTemp("", "importmem")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data-dir", filepath.Join(dir, "db"), "--log-level", "warn")
	cmd.Env = append(os.Environ(), "SOHOI_ADMIN_PASSWORD="+password)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }()
	c := &client{base: "http://" + addr}
	if err := c.waitReady(); err != nil {
		return err
	}
	if err := c.login(); err != nil {
		return err
	}
	province, err := c.unit("root", "province", "34", "Tỉnh Hưng Yên")
	if err != nil {
		return err
	}
	commune, err := c.unit(province, "commune", "12436", "Xã Vũ Quý")
	if err != nil {
		return err
	}
	for i := 1; i <= 20; i++ {
		if _, err := c.unit(commune, "branch", fmt.Sprintf("CH%02d", i), fmt.Sprintf("Chi hội %02d", i)); err != nil {
			return err
		}
	}
	file := filepath.Join(dir, "roll.csv")
	size, err := writeRoll(file, n)
	if err != nil {
		return err
	}
	log.Printf("%d rows, %.0f MB; baseline RSS %s", n, float64(size)/1e6, rss(cmd.Process.Pid))
	start := time.Now()
	id, err := c.upload(file, commune)
	if err != nil {
		return err
	}
	log.Printf("uploaded in %s; job %s", time.Since(start).Round(time.Second), id)
	for {
		time.Sleep(10 * time.Second)
		var job struct {
			Status    string `json:"status"`
			Processed int    `json:"processed"`
			Total     int    `json:"total"`
			Created   int    `json:"created"`
			Failed    int    `json:"failed"`
			Problem   string `json:"problem"`
		}
		if err := c.get("/api/v1/imports/"+id, &job); err != nil {
			return err
		}
		log.Printf("%s: %d of %d, RSS %s", job.Status, job.Processed, job.Total, rss(cmd.Process.Pid))
		if job.Status == "done" || job.Status == "failed" {
			took := time.Since(start)
			fmt.Printf("rows %d created %d failed %d in %s: %.0f rows/s; server peak RSS (VmHWM) %s; load %s\n",
				n, job.Created, job.Failed, took.Round(time.Second), float64(n)/took.Seconds(), hwm(cmd.Process.Pid), loadavg())
			if job.Problem != "" {
				return errors.New(job.Problem)
			}
			return nil
		}
	}
}

// writeRoll writes n new members in the commune's 20 branches.
func writeRoll(path string, n int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	fmt.Fprint(w, "\ufeffHọ và tên,Ngày sinh,Giới tính,Số CCCD,Điện thoại,Địa chỉ,Ngày vào hội,Số thẻ,Chi hội\r\n")
	r := rand.New(rand.NewPCG(1, 2))
	today := civil.Today(time.Now())
	for i := range n {
		in := demo.Person(r, "34", today, i)
		g := "Nam"
		if in.Gender == members.Female {
			g = "Nữ"
		}
		fmt.Fprintf(w, "%s,%s,%s,%s,%s,\"%s\",%s,%s,CH%02d\r\n", in.FullName, imports.FormatDate(in.BirthDate), g, in.NationalID, in.Phone,
			in.Address, imports.FormatDate(in.JoinedOn), in.MemberNo, 1+i%20)
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

type client struct {
	base, token string
	loggedIn    time.Time
}

func (c *client) waitReady() error {
	for range 300 {
		if resp, err := http.Get(c.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return errors.New("the server did not become ready")
}

func (c *client) login() error {
	var tp struct {
		AccessToken string `json:"accessToken"`
	}
	if err := c.send("POST", "/api/v1/auth/login", "application/json",
		strings.NewReader(`{"username":"admin","password":"`+password+`"}`), &tp); err != nil {
		return err
	}
	c.token, c.loggedIn = tp.AccessToken, time.Now()
	return nil
}

func (c *client) unit(parent, level, code, name string) (string, error) {
	b, _ := json.Marshal(map[string]string{"parentId": parent, "level": level, "code": code, "name": name})
	var u struct {
		ID string `json:"id"`
	}
	return u.ID, c.send("POST", "/api/v1/units", "application/json", bytes.NewReader(b), &u)
}

// upload streams the file as the multipart form POST /imports takes.
func (c *client) upload(path, unitID string) (string, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := func() error {
			if err := mw.WriteField("unitId", unitID); err != nil {
				return err
			}
			part, err := mw.CreateFormFile("file", "roll.csv")
			if err != nil {
				return err
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := io.Copy(part, f); err != nil {
				return err
			}
			return mw.Close()
		}()
		pw.CloseWithError(err)
	}()
	var job struct {
		ID string `json:"id"`
	}
	return job.ID, c.send("POST", "/api/v1/imports", mw.FormDataContentType(), pr, &job)
}

func (c *client) get(path string, out any) error {
	if time.Since(c.loggedIn) > 5*time.Minute { // access tokens are short-lived
		if err := c.login(); err != nil {
			return err
		}
	}
	return c.send("GET", path, "", nil, out)
}

func (c *client) send(method, path, ctype string, body io.Reader, out any) error {
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return json.Unmarshal(b, out)
}

// rss and hwm read the server's current and peak resident memory.
func rss(pid int) string { return procStatus(pid, "VmRSS:") }
func hwm(pid int) string { return procStatus(pid, "VmHWM:") }

func procStatus(pid int, key string) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, key) {
			return strings.TrimSpace(strings.TrimPrefix(l, key))
		}
	}
	return "?"
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.Join(strings.Fields(string(b))[:3], " ")
}
