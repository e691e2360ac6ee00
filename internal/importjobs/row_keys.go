package importjobs

import (
	"slices"
)

// rowKeys remembers the 64-bit keys of the rows read so far, each with the
// first row that gave it, in about 12 bytes a key: a Go map takes some
// 38 bytes an entry (measured, Go 1.26), and a million-row file has one
// to two million keys, so a map alone was the largest part of an
// importing server's memory (issue 17.6: < 300 MB for 1,000,000 rows).
//
// Keys go first into a small map; when it has grown to an eighth of the
// sorted part it is sorted and merged into it, so each key is copied
// about eight times in all and a lookup is one map probe and one binary
// search.
type rowKeys struct {
	keys   []uint64 // sorted
	rows   []int32  // rows[i] is the first row of keys[i]
	recent map[uint64]int32
}

// mergeAt is the smallest number of recent keys worth a merge.
const mergeAt = 4096

// first is the row that first gave key k, if any did.
func (s *rowKeys) first(k uint64) (int, bool) {
	if r, ok := s.recent[k]; ok {
		return int(r), true
	}
	if i, ok := slices.BinarySearch(s.keys, k); ok {
		return int(s.rows[i]), true
	}
	return 0, false
}

// add records that row gave key k (the caller checked first: a key is
// added once).
func (s *rowKeys) add(k uint64, row int) {
	if s.recent == nil {
		s.recent = map[uint64]int32{}
	}
	s.recent[k] = int32(row)
	if len(s.recent) >= max(mergeAt, len(s.keys)/8) {
		s.merge()
	}
}

// merge moves the recent keys into the sorted arrays.
func (s *rowKeys) merge() {
	add := make([]uint64, 0, len(s.recent))
	for k := range s.recent {
		add = append(add, k)
	}
	slices.Sort(add)
	keys := make([]uint64, 0, len(s.keys)+len(add))
	rows := make([]int32, 0, cap(keys))
	i, j := 0, 0
	for i < len(s.keys) || j < len(add) {
		if j == len(add) || (i < len(s.keys) && s.keys[i] < add[j]) {
			keys, rows = append(keys, s.keys[i]), append(rows, s.rows[i])
			i++
			continue
		}
		keys, rows = append(keys, add[j]), append(rows, s.recent[add[j]])
		j++
	}
	s.keys, s.rows = keys, rows
	clear(s.recent)
}

// len is how many keys are remembered.
func (s *rowKeys) len() int { return len(s.keys) + len(s.recent) }
