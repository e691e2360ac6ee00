package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/evidence"
)

// evidenceBytes is n bytes of a scanned PDF's shape: not all one byte, so
// that a chunk out of order is seen.
func evidenceBytes(n int) []byte {
	b := make([]byte, n)
	copy(b, "%PDF-1.4\n")
	for i := 9; i < n; i++ {
		b[i] = byte(i*7 + i/1000)
	}
	return b
}

func fileOf(content []byte) *evidence.File {
	sum := sha256.Sum256(content)
	return &evidence.File{ID: hex.EncodeToString(sum[:]), Size: int64(len(content)), ContentType: evidence.PDF, StoredAt: t0}
}

func testEvidence(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	// 2.5 MiB: several chunks on either store, the last one partial.
	content := evidenceBytes(5<<19 + 123)
	f := fileOf(content)

	t.Run("a file is stored once, streamed back byte-equal", func(t *testing.T) {
		if _, err := s.GetFile(ctx(), f.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("before the put: %v", err)
		}
		created, err := s.PutFile(ctx(), f, bytes.NewReader(content))
		if err != nil || !created {
			t.Fatalf("first put: %v %v", created, err)
		}
		created, err = s.PutFile(ctx(), f, bytes.NewReader(content))
		if err != nil || created {
			t.Fatalf("second put: created %v, %v", created, err)
		}
		got, rc, err := s.OpenFile(ctx(), f.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		back, err := io.ReadAll(evidence.Verifying(rc, f.ID, got.Size))
		if err != nil || !bytes.Equal(back, content) {
			t.Fatalf("streamed back %d bytes (%v), want %d equal", len(back), err, len(content))
		}
		if got.ContentType != evidence.PDF || got.Size != int64(len(content)) || !got.StoredAt.Equal(t0) {
			t.Fatalf("file %+v", got)
		}
		if _, _, err := s.OpenFile(ctx(), fileOf([]byte("x")).ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("opening nothing: %v", err)
		}
	})
	t.Run("two puts at once: both succeed, one creates", func(t *testing.T) {
		small := evidenceBytes(70_000)
		g := fileOf(small)
		var wg sync.WaitGroup
		results := make([]bool, 2)
		errors := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errors[i] = s.PutFile(ctx(), g, bytes.NewReader(small))
			}()
		}
		wg.Wait()
		created := 0
		for i := range 2 {
			if errors[i] != nil {
				t.Fatalf("put %d: %v", i, errors[i])
			}
			if results[i] {
				created++
			}
		}
		if created != 1 {
			t.Fatalf("%d puts created the file", created)
		}
	})
	t.Run("links: once each, in order, by recognition and by file", func(t *testing.T) {
		l1 := &evidence.Link{File: f.ID, Recognition: "r1", Criterion: "c1", Path: tr.a.Path, Name: "bien-ban.pdf", LinkedBy: "u1", LinkedAt: t0}
		l2 := &evidence.Link{File: f.ID, Recognition: "r1", Criterion: "c2", Path: tr.a.Path, Name: "bien-ban.pdf", LinkedBy: "u1", LinkedAt: t0.Add(time.Second)}
		l3 := &evidence.Link{File: f.ID, Recognition: "r2", Criterion: "c1", Path: tr.c.Path, Name: "x.pdf", LinkedBy: "u2", LinkedAt: t0.Add(2 * time.Second)}
		for _, l := range []*evidence.Link{l1, l2, l1, l3} {
			if err := s.LinkFile(ctx(), l); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.LinkFile(ctx(), &evidence.Link{File: fileOf([]byte("y")).ID, Recognition: "r1", Criterion: "c1", Path: tr.a.Path, LinkedAt: t0}); !errs.Is(err, errs.NotFound) {
			t.Fatalf("linking a file not stored: %v", err)
		}
		got, err := s.Links(ctx(), "r1")
		if err != nil || len(got) != 2 || got[0].Criterion != "c1" || got[1].Criterion != "c2" || got[0].Name != l1.Name {
			t.Fatalf("links of r1: %v %v", got, err)
		}
		if !got[0].LinkedAt.Equal(t0) || got[0].LinkedBy != "u1" || got[0].Path.Unit() != tr.a.ID {
			t.Fatalf("link %+v", got[0])
		}
		of, err := s.LinksOfFile(ctx(), f.ID)
		if err != nil || len(of) != 3 || of[2].Recognition != "r2" {
			t.Fatalf("links of the file: %v %v", of, err)
		}
	})
}
