package ebopark

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/plate"
)

// timeLayout is the vendor's local time format (yyyy-MM-dd HH:mm:ss), in
// the lot's time zone.
const timeLayout = "2006-01-02 15:04:05"

// timeHint words timeLayout for partners.
const timeHint = "应为“年-月-日 时:分:秒”，如 2026-03-01 10:00:00"

// yearHint words the core's bound on a date's year (park.CheckYear).
var yearHint = "年份应在" + strconv.Itoa(park.MinYear) + "到" + strconv.Itoa(park.MaxYear) + "之间"

// refRE is the vendor's reference format (order and trade numbers, pay
// types, member numbers): 1-64 visible ASCII characters. A lane's name
// (ChannelId) is not one: the core names lanes as the cameras do.
var refRE = regexp.MustCompile(`^[\x21-\x7e]{1,64}$`)

// refHint words refRE.
const refHint = "应为1-64个半角可见字符"

// readBody reads the whole body, at most MaxBody bytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, refuse(refusedTooLarge, "", "上限1兆字节")
	}
	if err != nil {
		return nil, refuse(refusedBody, "", "读取失败")
	}
	return b, nil
}

// decode reads one JSON object into v. Keys match case-insensitively (the
// vendor mixes ParkCode and userMobile); unknown keys are ignored, as
// vendor clients send extra fields. A wrong type names the field and the
// type expected; trailing data after the object is refused. Details never
// echo input values.
func decode(body []byte, v any) error {
	// Not UTF-8 (a GBK client): refused, not kept with U+FFFD in it.
	if i := park.InvalidUTF8(body); i >= 0 {
		return refuse(refusedBody, "", fmt.Sprintf("第%d字节起编码无效，请使用统一码编码", i))
	}
	// A byte order mark first (.NET's UTF-8 writers put one) is read
	// past, as RFC 8259 lets a parser do; the sign was of the bytes sent.
	var skipped int64
	if rest, ok := bytes.CutPrefix(body, []byte(bom)); ok {
		body, skipped = rest, int64(len(bom))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		if rf := typeRefusal(err, v); rf != nil {
			return rf
		}
		return refuse(refusedBody, "", syntaxHint(err, skipped))
	}
	if _, err := dec.Token(); err != io.EOF {
		return refuse(refusedBody, "", "只能包含一个JSON对象")
	}
	if bytes.HasPrefix(bytes.TrimSpace(body), []byte("null")) {
		return refuse(refusedBody, "", "")
	}
	// Keys match in any case: CarNo and carNo both would be read as the
	// last one given.
	if k := core.RepeatedKey(body); k != "" {
		return refuse(refusedRepeated, k, "同一参数只能传一次（参数名不区分大小写）")
	}
	return nil
}

// bom is the byte order mark U+FEFF in UTF-8.
const bom = "\ufeff"

// syntaxHint says why a body is no JSON object: empty, cut short, or
// where its syntax breaks, counted from 1 in the bytes sent (skipped of
// them were read past before the decoder); "" for anything else.
func syntaxHint(err error, skipped int64) string {
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF):
		return "请求体为空"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "不完整"
	case errors.As(err, &syn):
		return fmt.Sprintf("第%d字节处格式错误", syn.Offset+skipped)
	}
	return ""
}

// typeRefusal names the parameter of a wrong JSON type decoding v met,
// nil for any other error.
func typeRefusal(err error, v any) error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) && typ.Field != "" {
		return refuse(refusedType, vendorPath(reflect.TypeOf(v), typ.Field), typeHint(typ))
	}
	return nil
}

// required returns *s, or a missing-parameter refusal naming field.
func required(field string, s *string) (string, error) {
	if s == nil || *s == "" {
		return "", refuse(refusedMissing, field, "")
	}
	return *s, nil
}

func optString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// partnerLot returns a lot the partner may use, as the core answers it
// (gate.PartnerLotSettings): the operation's scope and the time zone its
// times are read and written in. A lot that is not the partner's answers
// exactly like one that does not exist.
func (h *Handler) partnerLot(ctx context.Context, p *park.Partner, code *string) (*park.Lot, error) {
	c, err := required("ParkCode", code)
	if err != nil {
		return nil, err
	}
	l, err := h.svc.Gate.PartnerLotSettings(ctx, p.ID, c)
	if park.IsCode(err, park.ENotFound) || park.IsCode(err, park.EInvalid) {
		return nil, refuse(refusedLot, "ParkCode", "")
	}
	return l, err
}

// partnerLotCode is partnerLot for operations that need only the lot's
// code.
func (h *Handler) partnerLotCode(ctx context.Context, p *park.Partner, code *string) (string, error) {
	l, err := h.partnerLot(ctx, p, code)
	if err != nil {
		return "", err
	}
	return l.Code, nil
}

// maxPage bounds a page number so that its offset cannot overflow.
const maxPage = 1_000_000

// pageNum reads a page number named name (PageNum, Page): 1 when absent,
// else 1 to maxPage.
func pageNum(name string, v *int) (int, error) {
	if v == nil {
		return 1, nil
	}
	if *v < 1 || *v > maxPage {
		return 0, refuse(refusedType, name, "")
	}
	return *v, nil
}

// pageSize reads PageSize: def when absent, else 1 to park.MaxListLimit.
func pageSize(v *int, def int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < 1 || *v > park.MaxListLimit {
		return 0, refuse(refusedType, "PageSize", "")
	}
	return *v, nil
}

// carNo reads the required CarNo as a plate: a plate, or a plate-less
// car's temporary identity (临XXXXXXX). Whether such a car may hold what
// the operation asks for is the core's rule.
func carNo(s *string) (string, error) {
	c, err := required("CarNo", s)
	if err != nil {
		return "", err
	}
	return plateText("CarNo", c)
}

// plateText reads one plate of parameter field.
func plateText(field, s string) (string, error) {
	p, err := plate.Normalize(s)
	if err != nil {
		hint := "应为完整车牌号，如 粤B12345"
		if pe, ok := err.(*plate.Error); ok {
			switch h := plateHint(pe.Why, pe.Params); {
			case pe.Why == plate.WhyNoPlate:
				hint = h
			case h != "":
				hint = h + "；例：粤B12345"
			}
		}
		return "", refuse(refusedPlate, field, hint)
	}
	return p.Text, nil
}

// optCarNo is carNo for an optional CarNo ("" when absent).
func optCarNo(s *string) (string, error) {
	if s == nil || *s == "" {
		return "", nil
	}
	return carNo(s)
}

// parseTime reads a required lot-local yyyy-MM-dd HH:mm:ss time.
func parseTime(field string, s *string, l *park.Lot) (time.Time, error) {
	v, err := required(field, s)
	if err != nil {
		return time.Time{}, err
	}
	t, err := wallTime(v, l.Location())
	if err != nil {
		return time.Time{}, refuse(refusedType, field, timeHint)
	}
	if park.CheckYear(field, t) != nil { // the year as written, in the lot's zone
		return time.Time{}, refuse(refusedType, field, yearHint)
	}
	return t, nil
}

// wallTime reads v, exactly in timeLayout, as a wall time in loc. Go's
// parser also takes a fraction of a second after the seconds
// ("10:00:00.5", "10:00:00,5"), which is not the vendor's format and
// would be kept but never shown: the layout's length is the format's.
func wallTime(v string, loc *time.Location) (time.Time, error) {
	if len(v) != len(timeLayout) {
		return time.Time{}, errors.New("not yyyy-MM-dd HH:mm:ss")
	}
	return park.ParseWallTime(timeLayout, v, loc)
}

// optTime is parseTime for an optional time (zero when absent or "").
func optTime(field string, s *string, l *park.Lot) (time.Time, error) {
	if s == nil || *s == "" {
		return time.Time{}, nil
	}
	return parseTime(field, s, l)
}

func localTime(t time.Time, l *park.Lot) string {
	return t.In(l.Location()).Format(timeLayout)
}

// text is a parameter vendors send either as a JSON string or a number
// (PayType 1, "WX"; order numbers). A number is taken as its digits, so
// only one written as digits is: -15, 2.5 or 1e30 is no code's text.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = text(s)
		return nil
	}
	n := string(bytes.TrimSpace(b))
	if n == "" || strings.Trim(n, "0123456789") != "" {
		return &json.UnmarshalTypeError{Value: "value", Type: reflect.TypeFor[text]()}
	}
	*t = text(n)
	return nil
}

// get returns the text, nil when absent.
func (t *text) get() *string {
	if t == nil {
		return nil
	}
	s := string(*t)
	return &s
}

// flag is a switch partners send as 1/0 or true/false.
type flag bool

func (f *flag) UnmarshalJSON(b []byte) error {
	switch string(bytes.TrimSpace(b)) {
	case "1", "true", `"1"`:
		*f = true
	case "0", "false", `"0"`:
		*f = false
	default:
		return &json.UnmarshalTypeError{Value: "value", Type: reflect.TypeFor[bool]()}
	}
	return nil
}

// vendorPath is a type error's field path as the vendor names it: the
// decoder's path also names the Go structs embedded on the way, which
// are this package's, not the partner's.
func vendorPath(t reflect.Type, path string) string {
	embedded := map[string]bool{}
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous {
				embedded[f.Name] = true
			}
			walk(f.Type)
		}
	}
	walk(t)
	parts := strings.Split(path, ".")
	out := parts[:0]
	for _, p := range parts {
		if !embedded[p] {
			out = append(out, p)
		}
	}
	return strings.Join(out, ".")
}
