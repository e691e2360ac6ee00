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
	text  string
	tally rollups.Tally
}

// decode sets *t to the tally text holds for a unit and day.
func (c *tallyCache) decode(unitID, day, text string, t *rollups.Tally) error {
	key := unitID + "\x00" + day
	c.mu.Lock()
	d, ok := c.byKey[key]
	c.mu.Unlock()
	if ok && d.text == text {
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
	c.byKey[key] = decodedTally{text: text, tally: fresh}
	c.bytes += len(text)
	return nil
}
