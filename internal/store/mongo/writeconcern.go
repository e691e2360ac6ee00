package mongo

import (
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
)

// clientOptions are the client's options for uri, with writes acknowledged
// by a majority of the replica set unless the URI says otherwise (w=…).
// Under w:1 an election can roll back a write the primary acknowledged: a
// member created twice, or a refresh token's "used" flag lost so that a
// stolen token works again. A standalone server or FerretDB treats
// majority as itself.
func clientOptions(uri string) *options.ClientOptions {
	o := options.Client().ApplyURI(uri)
	switch {
	case o.WriteConcern == nil:
		o.SetWriteConcern(writeconcern.Majority())
	case o.WriteConcern.W == nil: // journal=true alone
		wc := *o.WriteConcern
		wc.W = writeconcern.WCMajority
		o.SetWriteConcern(&wc)
	}
	return o
}
