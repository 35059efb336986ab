// Package led builds the frames of the common "0x64" lane screen and
// voice card protocol, carried over RS485 (a camera passes them through
// as serial data): 00 64 FF FF CMD DL DATA CRC16-MODBUS (low byte first),
// text in GBK. See docs/devices.md for what is verified on a real card.
package led

import (
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Commands of the protocol.
const (
	CmdVoice    = 0x30 // speak a text
	CmdTempText = 0x62 // show a text on one line for a while
)

// maxData is the most DATA one frame carries (DL is one byte).
const maxData = 255

// Frame builds one frame of command cmd around data (at most 255 bytes).
func Frame(cmd byte, data []byte) ([]byte, error) {
	if len(data) > maxData {
		return nil, fmt.Errorf("led: %d bytes of data, at most %d fit a frame", len(data), maxData)
	}
	f := make([]byte, 0, 6+len(data)+2)
	f = append(f, 0x00, 0x64, 0xFF, 0xFF, cmd, byte(len(data)))
	f = append(f, data...)
	c := CRC16Modbus(f)
	return append(f, byte(c), byte(c>>8)), nil
}

// Voice is the frame that speaks text. The option byte 0x01 is the one the
// verified frame carries (speak now, replacing what is queued).
func Voice(text string) ([]byte, error) {
	g, err := GBK(text, maxData-1)
	if err != nil {
		return nil, err
	}
	return Frame(CmdVoice, append([]byte{0x01}, g...))
}

// Text is the frame that shows text on line (0 is the top) for seconds
// (0: until replaced). DATA: line, enter mode 0x15 (at once), speed 1,
// stay mode 0, seconds, exit mode 0x15, exit speed 1, font 3 (16 px),
// repeat 0, text colour R G B A (red), background 0 0 0 0, length (2 bytes,
// low first), text.
func Text(line int, text string, seconds int) ([]byte, error) {
	if line < 0 || line > 7 {
		return nil, fmt.Errorf("led: line %d, the cards have lines 0-7", line)
	}
	if seconds < 0 || seconds > 255 {
		return nil, fmt.Errorf("led: %d seconds, at most 255", seconds)
	}
	head := []byte{byte(line), 0x15, 0x01, 0x00, byte(seconds), 0x15, 0x01, 0x03, 0x00, 0xFF, 0x00, 0x00, 0x00, 0, 0, 0, 0}
	g, err := GBK(text, maxData-len(head)-2)
	if err != nil {
		return nil, err
	}
	data := append(head, byte(len(g)), byte(len(g)>>8))
	return Frame(CmdTempText, append(data, g...))
}

// GBK encodes text in GBK, cut at a character boundary to at most max
// bytes (a long plate text is shortened, never split mid-character).
// Text GBK cannot encode is an error.
func GBK(text string, max int) ([]byte, error) {
	enc := simplifiedchinese.GBK.NewEncoder()
	var out []byte
	for _, r := range text {
		if r == utf8.RuneError {
			return nil, fmt.Errorf("led: text is not valid UTF-8")
		}
		b, err := enc.Bytes([]byte(string(r)))
		if err != nil {
			return nil, fmt.Errorf("led: %q has no GBK code", r)
		}
		if len(out)+len(b) > max {
			break
		}
		out = append(out, b...)
	}
	return out, nil
}

// CRC16Modbus is the CRC-16/MODBUS of b (polynomial 0xA001 reflected,
// initial 0xFFFF).
func CRC16Modbus(b []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, x := range b {
		crc ^= uint16(x)
		for range 8 {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0xA001
			} else {
				crc >>= 1
			}
		}
	}
	return crc
}
