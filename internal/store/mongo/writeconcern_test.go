package mongo

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
)

func TestWritesAreAcknowledgedByAMajorityUnlessTheURISaysOtherwise(t *testing.T) {
	for _, c := range []struct {
		uri     string
		w       any
		journal bool
	}{
		{"mongodb://db1,db2,db3/?replicaSet=rs0", writeconcern.WCMajority, false},
		{"mongodb://localhost/sohoi", writeconcern.WCMajority, false},
		{"mongodb://localhost/?journal=true", writeconcern.WCMajority, true},
		{"mongodb://localhost/?w=1", 1, false},
		{"mongodb://localhost/?w=2&journal=true", 2, true},
		{"mongodb://localhost/?w=majority", writeconcern.WCMajority, false},
	} {
		wc := clientOptions(c.uri).WriteConcern
		if wc == nil || wc.W != c.w || (wc.Journal != nil && *wc.Journal) != c.journal {
			t.Errorf("%s: write concern %+v, want w=%v journal=%v", c.uri, wc, c.w, c.journal)
		}
	}
}
