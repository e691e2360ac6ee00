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
	earliest := birth.Year + 18
	if earliest < 1995 {
		earliest = 1995
	}
	joined := civil.Date{Year: earliest + r.IntN(max(1, today.Year-earliest)), Month: time.Month(1 + r.IntN(12)), Day: 1 + r.IntN(28)}
	if joined.After(today) {
		joined = today
	}
	return members.Input{
		FullName:   Name(r, female),
		Gender:     g,
		BirthDate:  birth,
		NationalID: nid,
		Phone:      fmt.Sprintf("09%08d", r.IntN(100_000_000)),
		Address:    fmt.Sprintf("Thôn %d", 1+r.IntN(12)),
		JoinedOn:   joined,
		MemberNo:   fmt.Sprintf("HV-%07d", serial),
	}
}
