package units

import (
	"encoding/json"
	"fmt"
	"io"
)

// ReformArea is one unit of a reform plan (the shape of the 2025-07 file,
// internal/units/vnadmin): a new province or commune, with the old units
// it is formed from.
type ReformArea struct {
	Code     string
	Name     string
	Level    Level
	Sources  []ReformSource
	Children []ReformArea
}

// ReformSource is an old unit a new one absorbs: whole (Full) or in part,
// in which case its branches are shared among the new units listing it
// and a person says which goes where.
type ReformSource struct {
	Code string
	Name string
	Full bool
}

type reformFile struct {
	Data []struct {
		ID      string        `json:"level1_id"`
		Name    string        `json:"name"`
		Merges  []reformMerge `json:"merges"`
		Level2s []struct {
			ID     string        `json:"level2_id"`
			Name   string        `json:"name"`
			Merges []reformMerge `json:"merges"`
		} `json:"level2s"`
	} `json:"data"`
}

type reformMerge struct {
	OldID string `json:"old_id"`
	Name  string `json:"name"`
	Type  string `json:"type"`
}

func reformSources(ms []reformMerge) ([]ReformSource, error) {
	out := make([]ReformSource, 0, len(ms))
	for _, m := range ms {
		if m.Type != "full" && m.Type != "partial" {
			return nil, fmt.Errorf("old unit %s: type %q is neither full nor partial", m.OldID, m.Type)
		}
		out = append(out, ReformSource{Code: m.OldID, Name: CleanName(m.Name), Full: m.Type == "full"})
	}
	return out, nil
}

// ParseReform reads a reform plan: new provinces and their communes, each
// listing the old units it absorbs. province, when not empty, keeps only
// that new province (by its code).
func ParseReform(r io.Reader, province string) ([]ReformArea, error) {
	var f reformFile
	if err := json.NewDecoder(r).Decode(&f); err != nil {
		return nil, fmt.Errorf("reading the reform plan: %w", err)
	}
	var out []ReformArea
	for _, p := range f.Data {
		if province != "" && p.ID != province {
			continue
		}
		if l, err := levelOfCode(p.ID); err != nil || l != Province {
			return nil, fmt.Errorf("new province %q: not a 2-digit code", p.ID)
		}
		srcs, err := reformSources(p.Merges)
		if err != nil {
			return nil, fmt.Errorf("new province %s: %w", p.ID, err)
		}
		pa := ReformArea{Code: p.ID, Name: CleanName(p.Name), Level: Province, Sources: srcs}
		for _, c := range p.Level2s {
			if l, err := levelOfCode(c.ID); err != nil || l != Commune {
				return nil, fmt.Errorf("new commune %q of %s: not a 5-digit code", c.ID, p.ID)
			}
			srcs, err := reformSources(c.Merges)
			if err != nil {
				return nil, fmt.Errorf("new commune %s: %w", c.ID, err)
			}
			pa.Children = append(pa.Children, ReformArea{Code: c.ID, Name: CleanName(c.Name), Level: Commune, Sources: srcs})
		}
		out = append(out, pa)
	}
	if province != "" && len(out) == 0 {
		return nil, fmt.Errorf("no new province with code %q in the plan", province)
	}
	return out, nil
}
