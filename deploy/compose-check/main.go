// Command compose-check loads a Compose file with compose-go, the library Docker Compose itself
// loads files with: YAML merge keys, .env and shell interpolation (with `${VAR:?message}` errors),
// env_file, the Compose Specification's schema and normalisation, as `docker compose config` does.
// It prints the resolved project as JSON, or the loader's error on stderr with exit status 1.
// The tests run it on docker-compose.yml (test/integration/compose-load.test.ts).
//
//	compose-check PATH/docker-compose.yml [PROFILE...]
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check PATH/docker-compose.yml [PROFILE...]")
		os.Exit(2)
	}
	file, err := filepath.Abs(os.Args[1])
	if err == nil {
		err = run(file, os.Args[2:])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(file string, profiles []string) error {
	// The same sources as `docker compose` run in the file's folder: the shell, then .env there.
	options, err := cli.NewProjectOptions(
		[]string{file},
		cli.WithWorkingDirectory(filepath.Dir(file)),
		cli.WithOsEnv,
		cli.WithEnvFiles(),
		cli.WithDotEnv,
		cli.WithProfiles(profiles),
	)
	if err != nil {
		return err
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return err
	}
	out, err := project.MarshalJSON()
	if err != nil {
		return err
	}
	_, err = fmt.Println(string(out))
	return err
}
