package members

import (
	"testing"

	"github.com/sohoi/sohoi/internal/counting"
)

func TestTouched(t *testing.T) {
	upd := func(ch ...Change) *Event { return &Event{Type: Updated, Changes: ch} }
	cases := []struct {
		name string
		ev   *Event
		want counting.Facts
	}{
		{"a new member", &Event{Type: Joined}, counting.Member},
		{"a transfer", &Event{Type: Transferred}, counting.Branch | counting.Dates},
		{"leaving", &Event{Type: LeftEvent}, counting.Status | counting.Dates},
		{"a death", &Event{Type: Died}, counting.Status | counting.Dates},
		{"a phone", upd(Change{Field: "phone", From: "", To: "0912345678"}), counting.None},
		{"an address, a name, an ID and a member number", upd(Change{Field: "address", To: "x"}, Change{Field: "fullName", From: "a", To: "b"},
			Change{Field: "nationalId", To: "034160000001"}, Change{Field: "memberNo", To: "KH-1"}), counting.None},
		{"a birth date within its year", upd(Change{Field: "birthDate", From: "1960-01-01", To: "1960-12-31"}), counting.None},
		{"a birth year", upd(Change{Field: "birthDate", From: "1960-01-01", To: "1961-01-01"}), counting.BirthYear},
		{"a birth date first recorded", upd(Change{Field: "birthDate", From: "", To: "1960-01-01"}), counting.BirthYear},
		{"a gender", upd(Change{Field: "gender", From: "female", To: "male"}), counting.Gender},
		{"a day of joining", upd(Change{Field: "joinedOn", From: "2020-01-01", To: "2020-01-02"}), counting.Dates},
		{"a kind of change counting does not know", &Event{Type: "merged"}, counting.Member},
	}
	for _, c := range cases {
		if got := Touched(c.ev); got != c.want {
			t.Errorf("%s: touches %b, want %b", c.name, got, c.want)
		}
	}
}
