package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
)

// Person is a believable member as a branch chair would enter them.
// province is the 2-digit code of the province of birth registration.
//
// serial makes the national ID unique among the members made for one
// province (up to a million of them): callers give every member a serial
// of its own, continuing after those already stored.
func Person(r *rand.Rand, province string, today civil.Date, serial int) members.Input {
	female := r.IntN(100) < 55 // associations count somewhat more women
	birth := civil.Date{Year: 1935 + r.IntN(70), Month: time.Month(1 + r.IntN(12)), Day: 1 + r.IntN(28)}
	g := members.Male
	digit := 0
	if female {
		g, digit = members.Female, 1
	}
	if birth.Year >= 2000 {
		digit += 2
	}
	if len(province) != 2 {
		province = "01"
	}
	nid := fmt.Sprintf("0%s%d%02d%06d", province, digit, birth.Year%100, serial%1_000_000)
	return members.Input{
		FullName:   Name(r, female),
		Gender:     g,
		BirthDate:  birth,
		NationalID: nid,
		Phone:      fmt.Sprintf("09%08d", r.IntN(100_000_000)),
		Address:    fmt.Sprintf("Thôn %d", 1+r.IntN(12)),
		JoinedOn:   joinedOn(r, birth, today),
		MemberNo:   fmt.Sprintf("HV-%07d", serial),
	}
}

// joinedThisYear is the share (per cent) of members who joined this year:
// a real roll grows every year, and the rollups' joinedThisYear and the
// period reports have something to show.
const joinedThisYear = 6

// joinedOn is a join date at 18 or later, from 1995 (the rolls kept
// electronically) to today; some fall in the current year.
func joinedOn(r *rand.Rand, birth civil.Date, today civil.Date) civil.Date {
	jan1 := civil.Date{Year: today.Year, Month: time.January, Day: 1}
	adult := civil.Date{Year: birth.Year + 18, Month: birth.Month, Day: birth.Day}
	if r.IntN(100) < joinedThisYear && !adult.After(today) {
		from := jan1
		if adult.After(from) {
			from = adult
		}
		return from.AddDays(r.IntN(days(from, today) + 1))
	}
	earliest := max(birth.Year+18, 1995)
	if earliest >= today.Year {
		// Came of age this year (or later): joined today, the only
		// believable day left.
		return today
	}
	// A year before this one, not before the 18th birthday.
	j := civil.Date{Year: earliest + r.IntN(today.Year-earliest), Month: time.Month(1 + r.IntN(12)), Day: 1 + r.IntN(28)}
	if j.Before(adult) {
		j = adult
	}
	return j
}

// days counts the days from a to b (a on or before b).
func days(a, b civil.Date) int {
	t := func(d civil.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }
	return int(t(b).Sub(t(a)).Hours() / 24)
}
