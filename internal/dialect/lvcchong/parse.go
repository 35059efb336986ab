package lvcchong

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"

	"parkd/internal/core"
	"parkd/internal/tariff"
)

// DecodePriceStandard decodes one standard (an element of
// getPriceStandard's data.list) without checking its values. Unknown
// fields, trailing data, values of the wrong JSON type and a key given
// twice are rejected; errors are *Error.
func DecodePriceStandard(doc []byte) (*PriceStandard, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	var d PriceStandard
	if err := dec.Decode(&d); err != nil {
		return nil, decodeError(err, doc)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &Error{Msg: "消费标准之后不能有其他内容"}
	}
	// A key given twice (in any case) is read here as its last value and
	// may be read as its first by the system the document came from.
	if k := core.RepeatedKey(doc); k != "" {
		return nil, &Error{Field: k, Msg: "同一参数只能出现一次（参数名不区分大小写）"}
	}
	return &d, nil
}

// ParsePriceStandard decodes, validates and translates one standard into
// the charging model; errors are *Error.
func ParsePriceStandard(doc []byte) (*tariff.ChargeStandard, error) {
	d, err := DecodePriceStandard(doc)
	if err != nil {
		return nil, err
	}
	return d.Standard()
}

// decodeError names the field of a decoding error of doc where json says
// it, with its segment's index.
func decodeError(err error, doc []byte) *Error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if p := core.IndexedPath(doc, te.Offset, te.Field); p != "" {
			field = p
		}
		return &Error{Field: field, Msg: "须为" + jsonKind(te.Type.Kind()) + "，不能是" + jsonValue(te.Value)}
	}
	if f, ok := core.UnknownField(err); ok {
		return &Error{Field: f, Msg: "未知参数"}
	}
	var se *json.SyntaxError
	switch {
	case err == io.EOF:
		return &Error{Msg: "文档为空"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Msg: "JSON不完整"}
	case errors.As(err, &se):
		return &Error{Msg: "不是有效的JSON（第" + strconv.FormatInt(se.Offset, 10) + "字节处）"}
	}
	return &Error{Msg: "不是有效的JSON"}
}

// jsonKind names the JSON type a Go field of kind k is read from.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "字符串"
	case reflect.Bool:
		return "布尔值"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
		reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "整数"
	case reflect.Float32, reflect.Float64:
		return "数字"
	case reflect.Slice, reflect.Array:
		return "数组"
	}
	return "对象"
}

// jsonValue words what json.UnmarshalTypeError.Value says was found:
// "string", "number", "number 1.5", "bool", "array", "object".
func jsonValue(v string) string {
	kind, rest, _ := strings.Cut(v, " ")
	w, ok := map[string]string{"string": "字符串", "number": "数字", "bool": "布尔值", "array": "数组", "object": "对象"}[kind]
	if !ok {
		return v
	}
	if rest != "" {
		w += rest
	}
	return w
}
