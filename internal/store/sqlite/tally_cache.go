package sqlite

import (
	"encoding/json"
	"sync"

	"github.com/sohoi/sohoi/internal/rollups"
)

// tallyCacheBytes bounds the stored text the tally cache keeps (the
// decoded tallies beside it take about as much again). When a new entry
// would pass it, the cache is emptied and fills again with what is read.
const tallyCacheBytes = 16 << 20

// tallyCache keeps the last decoded tally of each unit and day with the
// text it was decoded from. Decoding the stored JSON was 12 % of the
// server's CPU under the issue-15 reads (pprof, README "Load test"):
// every rollup reads its unit's children's tallies, and most of them have
// not changed since the last read. A tally is used again only when the
// text read now is the text it was decoded from, byte for byte, so the
// cache can never answer what the database does not hold; callers get a
// copy (Tally.Clone), since the counting adds into tallies.
type tallyCache struct {
	mu      sync.Mutex
	byKey   map[string]decodedTally
	bytes   int
	decoded int64 // texts decoded (for tests)
}

type decodedTally struct {
	text   string
	ticket int64 // the ticket it was stored under, 0 if not known
	tally  rollups.Tally
}

// known returns the tally stored for a unit and day under ticket, with a
// text of length bytes, if it was decoded before: a recount stores every
// new tally under a greater ticket (PutCounters), so the ticket names the
// text without reading it (its length is checked too). Reading a tally's
// text from its overflow pages was a tenth of the server's CPU under the
// issue-15 reads, most of it for tallies that had not changed.
func (c *tallyCache) known(unitID, day string, ticket int64, length int) (rollups.Tally, bool) {
	c.mu.Lock()
	d, ok := c.byKey[unitID+"\x00"+day]
	c.mu.Unlock()
	if !ok || ticket == 0 || d.ticket != ticket || len(d.text) != length {
		return rollups.Tally{}, false
	}
	return d.tally.Clone(), true
}

// forget drops what the cache holds for a unit and day (a tally replaced
// under a ticket it may have had before: ReplaceCounter).
func (c *tallyCache) forget(unitID, day string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := unitID + "\x00" + day
	if old, ok := c.byKey[key]; ok {
		c.bytes -= len(old.text)
		delete(c.byKey, key)
	}
}

// decodeAt sets *t to the tally text holds for a unit and day, stored
// under ticket (0: not known).
func (c *tallyCache) decodeAt(unitID, day string, ticket int64, text string, t *rollups.Tally) error {
	key := unitID + "\x00" + day
	c.mu.Lock()
	d, ok := c.byKey[key]
	c.mu.Unlock()
	if ok && d.text == text && (ticket == 0 || d.ticket == ticket) {
		*t = d.tally.Clone()
		return nil
	}
	var fresh rollups.Tally
	if err := json.Unmarshal([]byte(text), &fresh); err != nil {
		return err
	}
	*t = fresh.Clone()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.decoded++
	if c.byKey == nil || c.bytes+len(text) > tallyCacheBytes {
		c.byKey, c.bytes = map[string]decodedTally{}, 0
	}
	if old, ok := c.byKey[key]; ok {
		c.bytes -= len(old.text)
	}
	c.byKey[key] = decodedTally{text: text, ticket: ticket, tally: fresh}
	c.bytes += len(text)
	return nil
}
