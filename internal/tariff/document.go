package tariff

import (
	"strconv"

	"parkd/internal/park"
)

// Bounds that keep every product in the pricing arithmetic inside int64
// (a price times the number of minute blocks in a century still saturates
// cleanly) and stop a document from asking for unbounded work.
const (
	maxParkAmount   = 1_000_000_000_000 // minor units: 10^10 in major units
	maxBlockMinutes = 366 * 24 * 60     // a block, or grace, of at most a leap year
	maxBands        = 48
	maxBandName     = 64
)

// Vehicle classes a tariff may override; "" prices as small.
var classNames = [...]string{"small", "large", "new_energy", "motorcycle"}

// ValidClass reports whether c is a vehicle class Price knows ("" counts as
// small). Price itself prices an unknown class as small, so callers that
// take the class from outside should check it first.
func ValidClass(c string) bool { return c == "" || classIndex(c) >= 0 }

func classIndex(c string) int {
	if c == "" {
		return 0
	}
	for i, n := range classNames {
		if n == c {
			return i
		}
	}
	return -1
}

type blockDoc struct {
	Minutes int64 `json:"minutes"`
	Price   int64 `json:"price"`
}

type bandDoc struct {
	Name  string    `json:"name"`
	From  string    `json:"from"`
	To    string    `json:"to"`
	Every *blockDoc `json:"every,omitempty"`
	Cap   int64     `json:"cap,omitempty"`
}

// fieldsDoc is what one level of the document sets (the top level, or a
// class override): nil means absent, so an override replaces exactly the
// fields it names and nothing else.
type fieldsDoc struct {
	GraceMinutes   *int64     `json:"grace_minutes,omitempty"`
	GraceDeducted  *bool      `json:"grace_deducted,omitempty"`
	First          *blockDoc  `json:"first,omitempty"`
	Every          *blockDoc  `json:"every,omitempty"`
	Bands          *[]bandDoc `json:"bands,omitempty"`
	DailyCap       *int64     `json:"daily_cap,omitempty"`
	DailyCapWindow *string    `json:"daily_cap_window,omitempty"`
	StayCap        *int64     `json:"stay_cap,omitempty"`
}

// canonicalDoc is the stored form: fixed key order, defaults written out,
// no whitespace.
type canonicalDoc struct {
	GraceMinutes   int64                 `json:"grace_minutes"`
	GraceDeducted  bool                  `json:"grace_deducted"`
	First          *blockDoc             `json:"first,omitempty"`
	Every          *blockDoc             `json:"every,omitempty"`
	Bands          []bandDoc             `json:"bands,omitempty"`
	DailyCap       int64                 `json:"daily_cap"`
	DailyCapWindow string                `json:"daily_cap_window"`
	StayCap        int64                 `json:"stay_cap"`
	Classes        map[string]*fieldsDoc `json:"classes,omitempty"`
	ChargingFree   *int64                `json:"charging_free_minutes,omitempty"`
}

var fieldKeys = []string{"grace_minutes", "grace_deducted", "first", "every", "bands",
	"daily_cap", "daily_cap_window", "stay_cap"}

func readFields(o object) (*fieldsDoc, *Error) {
	f := &fieldsDoc{}
	var err *Error
	if f.GraceMinutes, err = optInt(o, "grace_minutes", maxBlockMinutes); err != nil {
		return nil, err
	}
	if v, ok, err := o.bool("grace_deducted"); err != nil {
		return nil, err
	} else if ok {
		f.GraceDeducted = &v
	}
	if raw, ok := o.m["first"]; ok {
		if f.First, err = readBlock(raw, joinPath(o.path, "first")); err != nil {
			return nil, err
		}
	}
	if raw, ok := o.m["every"]; ok {
		if f.Every, err = readBlock(raw, joinPath(o.path, "every")); err != nil {
			return nil, err
		}
	}
	if raw, ok := o.m["bands"]; ok {
		bs, err := readBands(raw, joinPath(o.path, "bands"))
		if err != nil {
			return nil, err
		}
		f.Bands = &bs
	}
	if f.DailyCap, err = optInt(o, "daily_cap", maxParkAmount); err != nil {
		return nil, err
	}
	if v, ok, err := o.string("daily_cap_window"); err != nil {
		return nil, err
	} else if ok {
		if v != "rolling" && v != "calendar" {
			return nil, fieldErr(joinPath(o.path, "daily_cap_window"), park.ReasonUnknown, `want "rolling" or "calendar"`)
		}
		f.DailyCapWindow = &v
	}
	if f.StayCap, err = optInt(o, "stay_cap", maxParkAmount); err != nil {
		return nil, err
	}
	return f, nil
}

func optInt(o object, key string, hi int64) (*int64, *Error) {
	v, ok, err := o.int(key, 0, hi)
	if err != nil || !ok {
		return nil, err
	}
	return &v, nil
}

func readBlock(raw any, path string) (*blockDoc, *Error) {
	o, err := asObject(raw, path)
	if err != nil {
		return nil, err
	}
	if err := o.only("minutes", "price"); err != nil {
		return nil, err
	}
	m, ok, err := o.int("minutes", 1, maxBlockMinutes)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fieldErr(joinPath(path, "minutes"), park.ReasonRequired, "required")
	}
	p, ok, err := o.int("price", 0, maxParkAmount)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fieldErr(joinPath(path, "price"), park.ReasonRequired, "required")
	}
	return &blockDoc{Minutes: m, Price: p}, nil
}

func readBands(raw any, path string) ([]bandDoc, *Error) {
	arr, ok := raw.([]any)
	if !ok {
		return nil, fieldErr(path, park.ReasonType, "want array")
	}
	if len(arr) > maxBands {
		return nil, fieldErr(path, park.ReasonRange, "at most "+strconv.Itoa(maxBands)+" bands", "0", strconv.Itoa(maxBands))
	}
	bs := make([]bandDoc, 0, len(arr))
	for i, r := range arr {
		bp := path + "[" + strconv.Itoa(i) + "]"
		o, err := asObject(r, bp)
		if err != nil {
			return nil, err
		}
		if err := o.only("name", "from", "to", "every", "cap"); err != nil {
			return nil, err
		}
		var b bandDoc
		name, ok, err := o.string("name")
		if err != nil {
			return nil, err
		}
		if !ok || name == "" || len(name) > maxBandName {
			return nil, fieldErr(bp+".name", park.ReasonLength, "want a name of 1.."+strconv.Itoa(maxBandName)+" bytes", "1", strconv.Itoa(maxBandName))
		}
		for _, prev := range bs {
			if prev.Name == name {
				return nil, fieldErr(bp+".name", park.ReasonDuplicate, "duplicate band name "+strconv.Quote(name))
			}
		}
		b.Name = name
		for _, k := range [...]string{"from", "to"} {
			s, _, err := o.string(k)
			if err != nil {
				return nil, err
			}
			if _, ok := park.ParseClock(s, k == "to"); !ok {
				return nil, fieldErr(bp+"."+k, park.ReasonFormat, "want HH:MM")
			}
			if k == "from" {
				b.From = s
			} else {
				b.To = s
			}
		}
		if raw, ok := o.m["every"]; ok {
			if b.Every, err = readBlock(raw, bp+".every"); err != nil {
				return nil, err
			}
		}
		if b.Cap, _, err = o.int("cap", 0, maxParkAmount); err != nil {
			return nil, err
		}
		bs = append(bs, b)
	}
	if err := checkCoverage(bs, path); err != nil {
		return nil, err
	}
	return bs, nil
}

// bandSpan returns a band's start minute and length; from == to is a
// whole day, the same convention as Slot.
func bandSpan(b bandDoc) (from, n int) {
	f, _ := park.ParseClock(b.From, false)
	t, _ := park.ParseClock(b.To, true)
	n = ((t-f)%1440 + 1440) % 1440
	if n == 0 {
		n = 1440
	}
	return f, n
}

// checkCoverage enforces that the bands tile the day exactly once.
func checkCoverage(bs []bandDoc, path string) *Error {
	if len(bs) == 0 {
		return nil
	}
	var owner [1440]int8 // band index + 1
	for i, b := range bs {
		f, n := bandSpan(b)
		for k := 0; k < n; k++ {
			m := (f + k) % 1440
			if owner[m] != 0 {
				return fieldErr(path+"["+strconv.Itoa(i)+"]", park.ReasonOverlap,
					"overlaps "+path+"["+strconv.Itoa(int(owner[m])-1)+"] at "+clockString(m), clockString(m))
			}
			owner[m] = int8(i + 1)
		}
	}
	for m, o := range owner {
		if o == 0 {
			end := m + 1 // the gap's end, for the hint; the message keeps its start
			for end < 1440 && owner[end] == 0 {
				end++
			}
			return fieldErr(path, park.ReasonGap, "gap at "+clockString(m)+": bands must cover the whole day", clockString(m), clockString(end))
		}
	}
	return nil
}

func clockString(m int) string {
	return string([]byte{byte('0' + m/600), byte('0' + m/60%10), ':', byte('0' + m%60/10), byte('0' + m%10)})
}

// resolved is one vehicle class's effective tariff: the top level with the
// class override applied field by field.
type resolved struct {
	grace         int64
	graceDeducted bool
	first         *blockDoc
	firstPath     string // where first came from, for error messages
	every         *blockDoc
	everyPath     string
	bands         []bandDoc
	bandsPath     string // where bands came from, for error messages
	dailyCap      int64
	dailyCapPath  string
	calendar      bool
	stayCap       int64
}

func (r *resolved) apply(f *fieldsDoc, path string) {
	if f.GraceMinutes != nil {
		r.grace = *f.GraceMinutes
	}
	if f.GraceDeducted != nil {
		r.graceDeducted = *f.GraceDeducted
	}
	if f.First != nil {
		r.first = f.First
		r.firstPath = joinPath(path, "first")
	}
	if f.Every != nil {
		r.every = f.Every
		r.everyPath = joinPath(path, "every")
	}
	if f.Bands != nil {
		r.bands = *f.Bands
		r.bandsPath = joinPath(path, "bands")
	}
	if f.DailyCap != nil {
		r.dailyCap = *f.DailyCap
		r.dailyCapPath = joinPath(path, "daily_cap")
	}
	if f.DailyCapWindow != nil {
		r.calendar = *f.DailyCapWindow == "calendar"
	}
	if f.StayCap != nil {
		r.stayCap = *f.StayCap
	}
}

// check rejects a tariff in which some block would have no length and,
// when strict (a new document), one whose daily cap is below a block's
// price; path is the level being checked ("" or "classes.<name>").
func (r *resolved) check(path string, strict bool) *Error {
	if strict {
		if err := r.checkDailyCap(); err != nil {
			return err
		}
	}
	if r.every != nil {
		return nil
	}
	if len(r.bands) == 0 {
		return fieldErr(joinPath(path, "every"), park.ReasonRequired, "required when there are no bands")
	}
	for i, b := range r.bands {
		if b.Every == nil {
			return fieldErr(r.bandsPath+"["+strconv.Itoa(i)+"].every", park.ReasonRequired, "required when the top-level every is absent")
		}
	}
	return nil
}

// checkDailyCap refuses a daily cap below the price of a block: every block
// is cut to the cap, so that price could never be charged; it is a typo or
// the wrong unit far more often than a flat daily rate, which a block
// priced at the cap says plainly.
func (r *resolved) checkDailyCap() *Error {
	if r.dailyCap == 0 {
		return nil
	}
	over := func(b *blockDoc, where string) *Error {
		if b == nil || b.Price <= r.dailyCap {
			return nil
		}
		return fieldErr(r.dailyCapPath, park.ReasonRange, "below "+where+".price "+strconv.FormatInt(b.Price, 10)+
			": no block would ever be charged its price; a flat daily rate is a block priced at the cap")
	}
	if err := over(r.first, r.firstPath); err != nil {
		return err
	}
	usesEvery := len(r.bands) == 0 // the top-level every is a default a band may not need
	for i, b := range r.bands {
		if b.Every == nil {
			usesEvery = true
		} else if err := over(b.Every, r.bandsPath+"["+strconv.Itoa(i)+"].every"); err != nil {
			return err
		}
	}
	if usesEvery {
		return over(r.every, r.everyPath)
	}
	return nil
}
