package led

import (
	"bytes"
	"encoding/base64"
	"testing"
)

// TestVoiceVector: the frame verified on a real voice card (the devices
// notes), rebuilt from its text.
func TestVoiceVector(t *testing.T) {
	f, err := Voice("欢迎光临,请入场停车")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := base64.StdEncoding.EncodeToString(f), "AGT//zAUAbu206254sHZLMfryOuzoc2js7WpNg=="; got != want {
		t.Fatalf("frame %s, want %s", got, want)
	}
}

// TestCRC16Modbus: the check value of the CRC catalogue ("123456789" is
// 0x4B37), and the verified frame's last two bytes (A9 36, low first).
func TestCRC16Modbus(t *testing.T) {
	if c := CRC16Modbus([]byte("123456789")); c != 0x4B37 {
		t.Fatalf("check value %04X, want 4B37", c)
	}
	raw, _ := base64.StdEncoding.DecodeString("AGT//zAUAbu206254sHZLMfryOuzoc2js7WpNg==")
	if c := CRC16Modbus(raw[:len(raw)-2]); c != 0x36A9 {
		t.Fatalf("frame CRC %04X, want 36A9", c)
	}
}

func TestText(t *testing.T) {
	f, err := Text(1, "一路顺风", 5)
	if err != nil {
		t.Fatal(err)
	}
	// 一路顺风 is 8 bytes of GBK: D2BB C2B7 CBB3 B7E7.
	text := []byte{0xD2, 0xBB, 0xC2, 0xB7, 0xCB, 0xB3, 0xB7, 0xE7}
	if !bytes.Equal(f[:6], []byte{0x00, 0x64, 0xFF, 0xFF, 0x62, byte(17 + 2 + 8)}) {
		t.Fatalf("header % X", f[:6])
	}
	if f[6] != 1 || f[6+4] != 5 {
		t.Fatalf("line %d seconds %d, want 1 and 5", f[6], f[6+4])
	}
	if !bytes.Equal(f[6+17:6+19], []byte{8, 0}) || !bytes.Equal(f[6+19:6+27], text) {
		t.Fatalf("length and text % X", f[6+17:6+27])
	}
	c := CRC16Modbus(f[:len(f)-2])
	if f[len(f)-2] != byte(c) || f[len(f)-1] != byte(c>>8) {
		t.Fatal("CRC not low byte first")
	}
	if _, err := Text(8, "x", 0); err == nil {
		t.Fatal("line 8 accepted")
	}
}

// TestGBKCut: a text too long for a frame is cut between characters.
func TestGBKCut(t *testing.T) {
	g, err := GBK("京A12345欢迎", 9)
	if err != nil {
		t.Fatal(err)
	}
	// 京 is 2 bytes, A12345 six: 8; 欢 would make 10.
	if len(g) != 8 {
		t.Fatalf("%d bytes, want 8", len(g))
	}
	if _, err := GBK("🚗", 10); err == nil {
		t.Fatal("a character GBK lacks was encoded")
	}
	long := bytes.Repeat([]byte("停"), 200)
	f, err := Voice(string(long))
	if err != nil || len(f) != 6+1+254+2 {
		t.Fatalf("long voice: %d bytes, %v; want 127 characters (254 bytes) kept", len(f), err)
	}
}
