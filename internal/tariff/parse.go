package tariff

import (
	"encoding/json"
	"sort"
)

// Tariff is a parsed, validated and precompiled parking tariff. It is
// immutable and safe for concurrent use.
type Tariff struct {
	doc   []byte
	plans [len(classNames)]*plan
}

// Parse decodes and validates a parking tariff document (strict JSON:
// unknown or duplicate fields are rejected). The returned error is an
// *Error naming the field, e.g. `bands[1].from: want HH:MM`.
func Parse(doc []byte) (*Tariff, error) {
	t, err := parse(doc)
	if err != nil {
		return nil, err
	}
	return t, nil
}

func parse(doc []byte) (*Tariff, *Error) {
	tree, err := decodeTree(doc)
	if err != nil {
		return nil, err
	}
	o, err := asObject(tree, "")
	if err != nil {
		return nil, err
	}
	if err := o.only(append(fieldKeys, "classes")...); err != nil {
		return nil, err
	}
	top, err := readFields(o)
	if err != nil {
		return nil, err
	}
	classes := map[string]*fieldsDoc{}
	if raw, ok := o.m["classes"]; ok {
		co, err := asObject(raw, "classes")
		if err != nil {
			return nil, err
		}
		names := make([]string, 0, len(co.m))
		for k := range co.m {
			names = append(names, k)
		}
		sort.Strings(names) // report the first bad class deterministically
		for _, k := range names {
			if classIndex(k) < 0 || k == "" {
				return nil, fieldErr("classes."+k, "unknown vehicle class (want small, large, new_energy or motorcycle)")
			}
			cp := "classes." + k
			ov, err := asObject(co.m[k], cp)
			if err != nil {
				return nil, err
			}
			if err := ov.only(fieldKeys...); err != nil {
				return nil, err
			}
			if classes[k], err = readFields(ov); err != nil {
				return nil, err
			}
		}
	}

	var base resolved
	base.apply(top, "")
	if err := base.check(""); err != nil {
		return nil, err
	}
	t := &Tariff{}
	for i, name := range classNames {
		r := base
		if ov := classes[name]; ov != nil {
			r.apply(ov, "classes."+name)
			if err := r.check("classes." + name); err != nil {
				return nil, err
			}
		}
		t.plans[i] = compile(&r)
	}

	c := canonicalDoc{
		GraceMinutes:   base.grace,
		GraceDeducted:  base.graceDeducted,
		First:          base.first,
		Every:          base.every,
		Bands:          base.bands,
		DailyCap:       base.dailyCap,
		DailyCapWindow: "rolling",
		StayCap:        base.stayCap,
	}
	if base.calendar {
		c.DailyCapWindow = "calendar"
	}
	if len(classes) > 0 {
		c.Classes = classes
	}
	b, jerr := json.Marshal(c)
	if jerr != nil { // only plain values are marshalled; this cannot happen
		return nil, fieldErr("document", jerr.Error())
	}
	t.doc = b
	return t, nil
}

// Doc returns the canonical JSON of the document: fixed key order, defaults
// written out, no whitespace. Parse(Doc()) yields an equal tariff. The
// returned slice is a copy.
func (t *Tariff) Doc() []byte { return append([]byte(nil), t.doc...) }

func (t *Tariff) planFor(class string) *plan {
	i := classIndex(class)
	if i < 0 {
		i = 0 // documented: unknown classes price as small
	}
	return t.plans[i]
}
