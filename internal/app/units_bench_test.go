package app_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/sohoi/sohoi/internal/page"
)

// BenchmarkUnitReads measures the tree's hot reads on the embedded store
// holding the whole country (10,806 units) and 25,000 users.
func BenchmarkUnitReads(b *testing.B) {
	fx := loadAuthzFixture(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 6))
	b.Run("unit by id", func(b *testing.B) {
		for b.Loop() {
			want := fx.units[rng.IntN(len(fx.units))]
			got, err := fx.db.GetUnit(ctx, want.ID)
			if err != nil || got.Code != want.Code || len(got.Path) != len(want.Path) {
				b.Fatalf("got %+v, %v", got, err)
			}
		}
	})
	b.Run("children first page", func(b *testing.B) {
		for b.Loop() {
			parent := fx.units[rng.IntN(len(fx.units))]
			res, err := fx.db.ListChildren(ctx, parent.ID, page.Request{Limit: 50})
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range res.Items {
				if c.ParentID != parent.ID {
					b.Fatalf("child %s of %s", c.ID, parent.ID)
				}
			}
		}
	})
}
