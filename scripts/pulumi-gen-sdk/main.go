// pulumi-gen-sdk generates a package's SDKs from its Pulumi schema with Pulumi's own code generators (the
// codegen packages of github.com/pulumi/pulumi/pkg/v3), without the language hosts that `pulumi package gen-sdk`
// asks for (none is buildable here but the YAML one).
//
//	pulumi-gen-sdk SCHEMA.json OUT_DIR LANGUAGE...   (LANGUAGE: python, go, nodejs)
//
// Each language's files are written to OUT_DIR/LANGUAGE, which is emptied first.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	nodejsgen "github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	pythongen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-gen-sdk"

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: pulumi-gen-sdk SCHEMA.json OUT_DIR LANGUAGE...")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3:]); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-gen-sdk:", err)
		os.Exit(1)
	}
}

func run(schemaPath, outDir string, languages []string) error {
	text, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	// The schema references no other package: binding needs a loader, but one that never loads anything.
	pkg, diags, err := schema.BindSpec(spec, schema.NewNullLoader(), schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("%s: %s", schemaPath, diags.Error())
	}
	for _, language := range languages {
		var files map[string][]byte
		switch language {
		case "python":
			files, err = pythongen.GeneratePackage(tool, pkg, nil, nil)
			if err == nil {
				err = addDistributionReadme(files)
			}
		case "go":
			files, err = gogen.GeneratePackage(tool, pkg, nil)
		case "nodejs":
			files, err = nodejsgen.GeneratePackage(tool, pkg, nil, nil, false, nil)
		default:
			return fmt.Errorf("unknown language %q (python, go, nodejs)", language)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", language, err)
		}
		dir := filepath.Join(outDir, language)
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		for name, content := range files {
			path := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, content, 0o644); err != nil {
				return err
			}
		}
		fmt.Fprintf(os.Stderr, "pulumi-gen-sdk: %s: %d files in %s\n", language, len(files), dir)
	}
	return nil
}

// addDistributionReadme copies the Python package folder's README.md to the distribution's root, where the
// generated pyproject.toml's `readme` looks for it (Pulumi's own providers pass one in as an extra file).
func addDistributionReadme(files map[string][]byte) error {
	if _, ok := files["README.md"]; ok {
		return nil
	}
	for name, content := range files {
		if path.Base(name) == "README.md" && path.Dir(path.Dir(name)) == "." {
			files["README.md"] = content
			return nil
		}
	}
	return fmt.Errorf("python: no package README.md to copy to the distribution's root")
}
