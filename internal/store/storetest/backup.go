package storetest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/backup"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/evidence"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/units"
)

// mustRegistry writes one record of every kind a backup carries, some
// with a history (a member at version 3, a board at version 2, a closed
// unit, a moved unit, a sealed audit trail), and returns the tree.
func mustRegistry(t *testing.T, s Store) tree {
	t.Helper()
	tr := mustTree(t, s)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.CreateSigningKey(ctx(), &access.SigningKey{ID: "k1", Algorithm: "EdDSA", PrivateKey: []byte{1, 2, 3}, CreatedAt: t0}))
	closed := mustChild(t, s, tr.c12436, units.Branch, "Z")
	closed.Status, closed.MergedInto, closed.ClosedAt, closed.Version = units.Closed, tr.a.ID, t0.Add(time.Hour), 2
	must(s.UpdateUnit(ctx(), closed))
	must(s.RecordMove(ctx(), &units.MoveRecord{ID: units.MoveID(tr.c.ID, 1), UnitID: tr.c.ID, From: tr.p34.Path.Child(tr.c.ID),
		To: tr.c.Path, Day: civil.MustParse("2025-07-01"), At: t0}))
	mustUser(t, s, newUser("chair.a", grant(access.Editor, tr.a)))
	admin := mustUser(t, s, newUser("admin", grant(access.Admin, tr.root)))
	must(s.CreateRefreshToken(ctx(), &access.RefreshToken{ID: "rt1", FamilyID: "f1", UserID: admin.ID, CreatedAt: t0,
		ExpiresAt: t0.Add(24 * time.Hour), Used: true}))
	must(s.CreateRefreshToken(ctx(), &access.RefreshToken{ID: "rt2", FamilyID: "f1", UserID: admin.ID, CreatedAt: t0.Add(time.Hour),
		ExpiresAt: t0.Add(25 * time.Hour)}))

	m := mustMember(t, s, tr.a, "Nguyễn Thị Lan", "034185000001")
	m2, ev := next(m, members.Updated, func(n *members.Member) { n.Phone = "0987654321" })
	must(s.UpdateMember(ctx(), m2, ev))
	m3, ev := next(m2, members.Transferred, func(n *members.Member) {
		n.Stints[0].To, n.Stints[0].EndedBy = civil.MustParse("2024-01-01"), members.Transferred
		n.BranchID, n.Path = tr.c.ID, tr.c.Path
		n.Stints = append(n.Stints, members.Stint{BranchID: tr.c.ID, From: civil.MustParse("2024-01-02"), StartedBy: members.Transferred})
	})
	must(storeChange(s, m2, m3, ev))
	left := mustMember(t, s, tr.b, "Trần Văn Bình", "034185000002")
	l2, ev := next(left, members.LeftEvent, func(n *members.Member) {
		n.Status, n.LeftOn, n.LeaveReason = members.Left, civil.MustParse("2025-02-01"), "chuyển đi"
		n.Stints[0].To, n.Stints[0].EndedBy = n.LeftOn, members.LeftEvent
	})
	must(s.UpdateMember(ctx(), l2, ev))

	chair := &officers.Officer{ID: "0000000000000001", MemberID: m.ID, FullName: m.FullName, Position: officers.Chair,
		TermLabel: "2022–2027", From: civil.MustParse("2022-05-01"), Version: 1, CreatedAt: t0, UpdatedAt: t0}
	must(s.SaveBoard(ctx(), &officers.Board{UnitID: tr.a.ID, Path: tr.a.Path, Version: 1, Posts: []*officers.Officer{chair}}))
	must(s.SaveBoard(ctx(), &officers.Board{UnitID: tr.a.ID, Path: tr.a.Path, Version: 2, Posts: []*officers.Officer{chair}}))

	r := newRecognition(tr.a, "Gia đình ông Đỗ Văn An", 2024)
	must(s.CreateRecognition(ctx(), r))
	content := []byte("biên bản bình xét 2024")
	sum := sha256.Sum256(content)
	file := &evidence.File{ID: hex.EncodeToString(sum[:]), Size: int64(len(content)), ContentType: "text/plain", StoredAt: t0}
	if _, err := s.PutFile(ctx(), file, bytes.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	must(s.LinkFile(ctx(), &evidence.Link{File: file.ID, Recognition: r.ID, Criterion: "c1", Path: r.Path, Name: "bien-ban.txt",
		LinkedBy: "u1", LinkedAt: t0}))
	in := entry(tr.a, "2024-01-10", 5_000_000, fund.In, "PT-01")
	must(s.AddEntry(ctx(), in))
	must(s.AddSnapshotDay(ctx(), "2025-06-30"))
	for i := range 3 {
		e := unitEntry(tr.a)
		e.At = t0.Add(time.Duration(i) * time.Second)
		must(s.AppendAudit(ctx(), e))
	}
	return tr
}

// dumpLines is a backup of s decompressed, without its header (the only
// line that differs between two dumps of the same registry).
func dumpLines(t *testing.T, s Store) (file []byte, lines []string) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := backup.Dump(ctx(), s, &buf, backup.Header{Store: "test"}); err != nil {
		t.Fatal(err)
	}
	gz, err := gzip.NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(gz)
	sc.Buffer(nil, 1<<26)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), lines[1:]
}

// tr2 is the restored tree's branch A (the registry's first branch).
func tr2(t *testing.T, s Store) tree {
	t.Helper()
	root, err := s.GetUnit(ctx(), units.RootID)
	if err != nil {
		t.Fatal(err)
	}
	p34, err := s.GetChildByCode(ctx(), root.ID, "34")
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.GetChildByCode(ctx(), p34.ID, "336")
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.GetChildByCode(ctx(), d.ID, "12436")
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.GetChildByCode(ctx(), c.ID, "A")
	if err != nil {
		t.Fatal(err)
	}
	return tree{root: root, a: a}
}

func opener(b []byte) backup.Opener {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

func testBackup(t *testing.T, open Opener) {
	s := open(t)
	mustRegistry(t, s)
	file, want := dumpLines(t, s)
	sections := map[string]int{}
	for _, l := range want {
		sections[strings.SplitN(strings.TrimPrefix(l, `{"s":"`), `"`, 2)[0]]++
	}
	for _, sec := range backup.Sections {
		if sections[string(sec)] == 0 && sec != backup.Awards {
			t.Errorf("no %s in the dump", sec)
		}
	}

	t.Run("restored into an empty store, it dumps the same", func(t *testing.T) {
		s2 := open(t)
		if _, _, err := backup.Restore(ctx(), s2, opener(file)); err != nil {
			t.Fatal(err)
		}
		_, got := dumpLines(t, s2)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("restored registry differs:\n got %s\nwant %s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// The national IDs are held as before: found, and refused to another.
		if m, err := s2.ActiveMemberByNationalID(ctx(), "034185000001"); err != nil || m.FullName != "Nguyễn Thị Lan" {
			t.Fatalf("the holder of an ID after restore: %v %v", m, err)
		}
		other, ev := newMember(tr2(t, s2).a, "Lê Thị Hoa", "034185000001")
		if err := s2.CreateMember(ctx(), other, ev); !errs.Is(err, errs.DuplicateNationalID) {
			t.Fatalf("a second holder after restore: %v", err)
		}
		if rep := mustVerify(t, s2); rep.Entries != 3 || rep.Head != 3 {
			t.Fatalf("the restored trail: %+v", rep)
		}
		// The trail goes on from the restored head.
		root, err := s2.GetUnit(ctx(), units.RootID)
		if err != nil {
			t.Fatal(err)
		}
		e := unitEntry(root)
		if err := s2.AppendAudit(ctx(), e); err != nil || e.Seq != 4 {
			t.Fatalf("next entry: seq %d, %v", e.Seq, err)
		}
	})

	t.Run("a database that is not empty is refused", func(t *testing.T) {
		if _, _, err := backup.Restore(ctx(), s, opener(file)); !errs.Is(err, errs.Conflict) {
			t.Fatalf("restore into the source: %v", err)
		}
	})

	t.Run("a damaged file is refused and nothing is written", func(t *testing.T) {
		for name, b := range map[string][]byte{
			"truncated": file[:len(file)*2/3],
			"empty":     {},
			"not gzip":  []byte("units,members\n"),
		} {
			s3 := open(t)
			if _, _, err := backup.Restore(ctx(), s3, opener(b)); !errs.Is(err, errs.Validation) {
				t.Fatalf("%s: %v", name, err)
			}
			if err := backup.Empty(ctx(), s3); err != nil {
				t.Fatalf("%s: the store was written: %v", name, err)
			}
		}
	})
}
