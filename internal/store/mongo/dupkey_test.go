package mongo_test

import (
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
)

func newMemberDoc(id, nationalID string, at time.Time) (*members.Member, *members.Event) {
	joined := civil.MustParse("2020-03-08")
	m := &members.Member{ID: id, BranchID: "b1", Path: []string{"root", "b1"}, FullName: "Nguyễn Thị Một", Gender: members.Female,
		NationalID: nationalID, JoinedOn: joined, Status: members.Active, Version: 1, CreatedAt: at, UpdatedAt: at,
		Stints: []members.Stint{{BranchID: "b1", From: joined, StartedBy: members.Joined}}}
	ev := &members.Event{MemberID: id, Seq: 1, Type: members.Joined, On: joined, At: at, ActorID: "u1", ActorName: "chair", ToBranchID: "b1"}
	return m, ev
}

// An insert sent again after its acknowledgement was lost finds its own
// document; it must not report the member as its own duplicate.
func TestARetriedMemberInsertIsNotItsOwnDuplicate(t *testing.T) {
	ctx := testCtx(t)
	db := openStore(t, ferretURI, nil)
	at := time.Date(2026, 3, 8, 9, 30, 0, 123456789, time.UTC) // finer than BSON keeps
	m, ev := newMemberDoc("m1", "001160000001", at)
	if err := db.CreateMember(ctx, m, ev); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateMember(ctx, m, ev); err != nil {
		t.Fatalf("the same insert again: %v, want success", err)
	}
	// Another member with the same active ID is a duplicate ID.
	other, oev := newMemberDoc("m2", "001160000001", at)
	if err := db.CreateMember(ctx, other, oev); !errs.Is(err, errs.DuplicateNationalID) {
		t.Fatalf("another member with the ID: %v, want duplicate_national_id", err)
	}
	// Another insert under a taken id (not the same document) is a conflict.
	again, aev := newMemberDoc("m1", "001160000002", at.Add(time.Hour))
	if err := db.CreateMember(ctx, again, aev); !errs.Is(err, errs.Conflict) {
		t.Fatalf("a different member under a taken id: %v, want conflict", err)
	}
	hist, err := db.MemberHistory(ctx, "m1", members.InProvinces("b1"))
	if err != nil || len(hist) != 1 {
		t.Fatalf("history %v (%v), want the one event", hist, err)
	}
}
