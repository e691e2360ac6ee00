package members

import (
	"math"
	"slices"
)

// Search keys (issue 15.5, 19.5). A name search must walk an index in the
// official order within its scope and stop after a page, examining a small
// multiple of what it returns. Stores therefore keep, per member and per
// unit above it, one key per search term: every distinct folded word of the
// name and every unordered pair of distinct words ("a b" with a < b, so the
// order of the query's words does not matter). A one-word search is then a
// range of (unit, word) in sort-key order, a two-word search a range of
// (unit, pair), and a longer one the range of its rarest pair with the
// other words checked on each entry. Without pairs a search led by one
// common word (nguyen 38.7 %, thi 33 % of names) examines a large share of
// the scope for each page.

// SearchTerms are the key terms of a name of these (distinct, folded)
// words: each word and each unordered pair of words. A name of n words has
// n + n(n-1)/2 terms.
func SearchTerms(words []string) []string {
	out := make([]string, 0, len(words)*(len(words)+1)/2)
	out = append(out, words...)
	for i, a := range words {
		for _, b := range words[i+1:] {
			out = append(out, pairTerm(a, b))
		}
	}
	return out
}

// pairTerm is the term of two distinct words, in either order.
func pairTerm(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + " " + b
}

// SearchPlan is how a store answers a search of some words: walk the keys
// of Lead within the scope in sort-key order, and keep the entries whose
// name also has every word of Check.
type SearchPlan struct {
	Lead  string
	Check []string
}

// PlanSearch chooses the leading term of a search for words (distinct and
// folded, as SearchWords returns them; at least one): the word itself, the
// pair of two words, or for three or more the pair expected to be rarest
// by wordShare, the other words checked. It is deterministic: the same
// words in any order give the same plan.
func PlanSearch(words []string) SearchPlan {
	switch len(words) {
	case 0:
		return SearchPlan{}
	case 1:
		return SearchPlan{Lead: words[0]}
	case 2:
		return SearchPlan{Lead: pairTerm(words[0], words[1])}
	}
	sorted := slices.Clone(words)
	slices.Sort(sorted)
	bi, bj, best := 0, 1, math.Inf(1)
	for i := range sorted {
		for j := i + 1; j < len(sorted); j++ {
			// independence is wrong for names (thi goes with female given
			// names) but orders pairs well enough to pick a rare one
			if p := wordShare(sorted[i]) * wordShare(sorted[j]); p < best {
				bi, bj, best = i, j, p
			}
		}
	}
	plan := SearchPlan{Lead: pairTerm(sorted[bi], sorted[bj])}
	for k, w := range sorted {
		if k != bi && k != bj {
			plan.Check = append(plan.Check, w)
		}
	}
	return plan
}

// SearchKey is one key a store files a member under: a unit on the
// member's path and a search term of its name.
type SearchKey struct{ Unit, Term string }

// SearchKeys are every key of m: each unit of its path (its branch
// included) with each of its name's search terms, unit by unit. Both
// stores file members under exactly these (SQLite's member_keys rows,
// Mongo's scopeWords), and a path rewrite replaces them.
func (m *Member) SearchKeys() []SearchKey {
	terms := SearchTerms(m.NameWords())
	out := make([]SearchKey, 0, len(m.Path)*len(terms))
	for _, u := range m.Path {
		for _, t := range terms {
			out = append(out, SearchKey{u, t})
		}
	}
	return out
}
