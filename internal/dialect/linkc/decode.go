package linkc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"parkd/internal/core"
	"parkd/internal/park"
)

// readBody reads the whole (bounded) body.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, invalid("corpo", fmt.Sprintf("o corpo passa de %d bytes", mbe.Limit))
	}
	if err != nil {
		return nil, invalid("corpo", "não foi possível ler o corpo da requisição")
	}
	return b, nil
}

// decode reads one strict JSON object: unknown fields, trailing data and
// wrong types are refused with the field named, in Portuguese. Messages
// never echo the input's values.
func decode(body []byte, v any) error {
	// Not UTF-8 (a Latin-1 client): refused, not kept with U+FFFD in it.
	if i := park.InvalidUTF8(body); i >= 0 {
		return invalid("corpo", fmt.Sprintf("o corpo não está em UTF-8 (byte %d)", i))
	}
	// null decodes into nothing, leaving every field empty: it is no
	// object, and is told so rather than as a missing field.
	if string(bytes.TrimSpace(body)) == "null" {
		return invalid("corpo", "o corpo deve ser um objeto JSON")
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var (
			syn *json.SyntaxError
			typ *json.UnmarshalTypeError
		)
		switch {
		case errors.Is(err, io.EOF):
			return invalid("corpo", "o corpo está vazio; envie um objeto JSON")
		case errors.As(err, &syn):
			return invalid("corpo", fmt.Sprintf("JSON malformado no byte %d", syn.Offset))
		case errors.As(err, &typ):
			if typ.Field == "" {
				return invalid("corpo", "o corpo deve ser um objeto JSON")
			}
			return invalid(typ.Field, "tipo JSON errado: deve ser "+tipoJSON(typ.Type))
		case core.IsUnknownField(err):
			name, _ := core.UnknownField(err)
			return invalid(core.Echo(name), "campo desconhecido")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return invalid("corpo", "JSON incompleto")
		}
		return invalid("corpo", "o corpo não é o objeto JSON esperado")
	}
	if _, err := dec.Token(); err != io.EOF {
		return invalid("corpo", "o corpo deve conter um único objeto JSON")
	}
	// A field named twice (in any case) would be read as its last value.
	if name := core.RepeatedKey(body); name != "" {
		return invalid(core.Echo(name), "o campo aparece mais de uma vez no corpo; envie-o uma só vez")
	}
	return nil
}

// tipoJSON names the JSON type a Go field is read from.
func tipoJSON(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "texto"
	case reflect.Bool:
		return "booleano"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
		reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "número"
	case reflect.Slice, reflect.Array:
		return "lista"
	}
	return "objeto"
}
