package mongo

import (
	"math/rand/v2"
	"sync"
	"time"
)

// Mark generations are chosen here rather than by the server, so that a
// whole change's marks go in one bulkWrite (see MarkStale). A generation
// must differ from every generation written to the same mark before: it
// is the microseconds since the epoch times 1,024 plus a random number
// below 1,024, and never below the last one this process handed out plus
// one. Within a process they grow strictly; two processes marking the
// same unit in the same microsecond differ unless they also draw the same
// number (one chance in 1,024 for that rare event, and the cost of a
// collision is one change counted late, by the next marking or reconcile).
var gens struct {
	sync.Mutex
	last int64
}

func newGen() int64 {
	g := time.Now().UnixMicro()<<10 | rand.Int64N(1<<10)
	gens.Lock()
	defer gens.Unlock()
	gens.last = max(gens.last+1, g)
	return gens.last
}
