//go:build race

package app

// raceDetector is true when the tests run with -race, which makes every
// bcrypt check many times slower.
const raceDetector = true
