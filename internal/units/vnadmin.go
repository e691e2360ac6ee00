package units

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/errs"
)

// AdminArea is one unit of the official administrative tree as published by
// the General Statistics Office (the files embedded by internal/units/vnadmin): a province,
// district or commune with its official code.
type AdminArea struct {
	Code     string
	Name     string
	Level    Level
	Children []AdminArea
}

// vnFile is the shape of the vn-admin-units-*.json files (see vnadmin): three levels
// before the 2025 reform, two after it (no level3s).
type vnFile struct {
	Data []struct {
		ID      string `json:"level1_id"`
		Name    string `json:"name"`
		Type    string `json:"type"`
		Level2s []struct {
			ID      string `json:"level2_id"`
			Name    string `json:"name"`
			Type    string `json:"type"`
			Level3s []struct {
				ID   string `json:"level3_id"`
				Name string `json:"name"`
				Type string `json:"type"`
			} `json:"level3s"`
		} `json:"level2s"`
	} `json:"data"`
}

// levelOfCode maps an official code to its level by its length (province 2
// digits, district 3, commune 5): it works for both files, including the
// post-reform one where communes sit directly under provinces and carry no
// type.
func levelOfCode(code string) (Level, error) {
	switch len(code) {
	case 2:
		return Province, nil
	case 3:
		return District, nil
	case 5:
		return Commune, nil
	}
	return "", fmt.Errorf("code %q is not a 2, 3 or 5 digit administrative code", code)
}

// ParseAdminAreas reads a dvhcvn-style file. province, when not empty, keeps
// only that province (by its 2-digit code).
func ParseAdminAreas(r io.Reader, province string) ([]AdminArea, error) {
	var f vnFile
	if err := json.NewDecoder(r).Decode(&f); err != nil {
		return nil, fmt.Errorf("reading administrative units: %w", err)
	}
	var out []AdminArea
	area := func(code, name string) (AdminArea, error) {
		l, err := levelOfCode(code)
		return AdminArea{Code: code, Name: CleanName(name), Level: l}, err
	}
	for _, p := range f.Data {
		if province != "" && p.ID != province {
			continue
		}
		pa, err := area(p.ID, p.Name)
		if err != nil {
			return nil, err
		}
		for _, d := range p.Level2s {
			da, err := area(d.ID, d.Name)
			if err != nil {
				return nil, err
			}
			for _, c := range d.Level3s {
				ca, err := area(c.ID, c.Name)
				if err != nil {
					return nil, err
				}
				da.Children = append(da.Children, ca)
			}
			pa.Children = append(pa.Children, da)
		}
		out = append(out, pa)
	}
	if province != "" && len(out) == 0 {
		return nil, fmt.Errorf("no province with code %q in the file", province)
	}
	return out, nil
}

// CountAreas counts the areas of a tree, at every level.
func CountAreas(areas []AdminArea) int {
	n := len(areas)
	for _, a := range areas {
		n += CountAreas(a.Children)
	}
	return n
}

// SeedResult counts what Seed did.
type SeedResult struct {
	Created, Renamed, Unchanged int
}

// Seed makes the tree below parent match areas: units are found by their
// official code among their siblings, created when missing and renamed when
// the official name changed. Running it twice changes nothing.
//
// Counters are settled once at the end, for every unit that gained
// children, rather than once per unit created. progress, when not nil, is
// told how many areas are done after each one. The caller must be allowed
// to write units at parent.
func (s *Service) Seed(ctx context.Context, c *access.Caller, parent *Unit, areas []AdminArea, progress func(done int)) (SeedResult, error) {
	var res SeedResult
	if err := c.Authorize(parent.Path, access.ObjUnit, access.Write, "unit"); err != nil {
		return res, err
	}
	done := 0
	grown := map[string][]string{}
	var walk func(parent *Unit, areas []AdminArea) error
	walk = func(parent *Unit, areas []AdminArea) error {
		for _, a := range areas {
			u, err := s.store.GetChildByCode(ctx, parent.ID, a.Code)
			switch {
			case errs.Is(err, errs.NotFound):
				if u, err = s.create(ctx, c, parent, NewUnit{Level: a.Level, Name: a.Name, Code: a.Code}, false); err != nil {
					return fmt.Errorf("creating %s %s: %w", a.Code, a.Name, err)
				}
				grown[parent.ID] = parent.Path
				res.Created++
			case err != nil:
				return err
			case u.Name != a.Name:
				name := a.Name
				if u, err = s.updateLoaded(ctx, c, u, Patch{Name: &name}, 0); err != nil {
					return fmt.Errorf("renaming %s: %w", a.Code, err)
				}
				res.Renamed++
			default:
				res.Unchanged++
			}
			if done++; progress != nil {
				progress(done)
			}
			if err := walk(u, a.Children); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(parent, areas); err != nil {
		return res, err
	}
	paths := make([][]string, 0, len(grown))
	for _, p := range grown {
		paths = append(paths, p)
	}
	return res, s.settled(ctx, paths, func() error { return nil })
}
