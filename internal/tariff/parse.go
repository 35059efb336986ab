package tariff

import (
	"encoding/json"
	"sort"
	"time"

	"parkd/internal/park"
)

// Tariff is a parsed, validated and precompiled parking tariff. It is
// immutable and safe for concurrent use.
type Tariff struct {
	doc   []byte
	plans [len(classNames)]*plan
	// chargingFree is the charging-while-parked rule: a car charging in
	// the lot parks free while it charges and this long after; -1: no rule.
	chargingFree time.Duration
}

// ChargingFree returns the charging-while-parked rule (the document's
// top-level charging_free_minutes): a car charging in the lot parks free
// for its charging time plus the returned duration. ok is false when the
// document has no such rule. Billing applies it as free windows.
func (t *Tariff) ChargingFree() (after time.Duration, ok bool) {
	return t.chargingFree, t.chargingFree >= 0
}

// Parse decodes and validates a parking tariff document (strict JSON:
// unknown or duplicate fields are rejected). The returned error is an
// *Error naming the field, e.g. `bands[1].from: want HH:MM`.
func Parse(doc []byte) (*Tariff, error) {
	t, err := parse(doc, true)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// ParseStored parses a document that was accepted and stored, possibly
// before a rule that refuses a mistake (a daily cap below a block's price)
// was added: the lot keeps pricing as it did instead of failing.
func ParseStored(doc []byte) (*Tariff, error) {
	t, err := parse(doc, false)
	if err != nil {
		return nil, err
	}
	return t, nil
}

func parse(doc []byte, strict bool) (*Tariff, *Error) {
	tree, err := decodeTree(doc)
	if err != nil {
		return nil, err
	}
	o, err := asObject(tree, "")
	if err != nil {
		return nil, err
	}
	if err := o.only(append(fieldKeys, "classes", "charging_free_minutes")...); err != nil {
		return nil, err
	}
	top, err := readFields(o)
	if err != nil {
		return nil, err
	}
	chargingFree, err := optInt(o, "charging_free_minutes", maxBlockMinutes)
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
				return nil, fieldErr("classes."+k, park.ReasonUnknown, "unknown vehicle class (want small, large, new_energy or motorcycle)")
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
	if err := base.check("", strict); err != nil {
		return nil, err
	}
	t := &Tariff{chargingFree: -1}
	if chargingFree != nil {
		t.chargingFree = time.Duration(*chargingFree) * time.Minute
	}
	for i, name := range classNames {
		r := base
		if ov := classes[name]; ov != nil {
			r.apply(ov, "classes."+name)
			if err := r.check("classes."+name, strict); err != nil {
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
		ChargingFree:   chargingFree,
	}
	if base.calendar {
		c.DailyCapWindow = "calendar"
	}
	if len(classes) > 0 {
		c.Classes = classes
	}
	b, jerr := json.Marshal(c)
	if jerr != nil { // only plain values are marshalled; this cannot happen
		return nil, fieldErr("document", "", jerr.Error())
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
