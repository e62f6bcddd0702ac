"""The Python binding gives the same reports as the ccverify command.

Environment (set by ctest, python/CMakeLists.txt): CCV_CCVERIFY (the built
ccverify), CCV_SOURCE_DIR (for corpus/demo) and CCV_CORPUS (the shared
real-evidence corpus; its tests skip when it is absent).
"""

import json
import os
import pathlib
import subprocess

import pytest

import ccverify

CLI = os.environ.get("CCV_CCVERIFY", "ccverify")
DEMO = pathlib.Path(os.environ.get("CCV_SOURCE_DIR", ".")) / "corpus" / "demo"
CORPUS = pathlib.Path(os.environ.get("CCV_CORPUS", "/nonexistent"))
AT = "2026-01-02T00:00:00Z"  # the demo's collateral is valid then


def cli_json(*args, expect):
    run = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, check=False)
    assert run.returncode == expect, run.stderr
    return json.loads(run.stdout)


def test_verify_demo_is_trusted_and_equals_the_cli():
    report = ccverify.verify(DEMO, policy=DEMO / "policy.yaml", root_ca=DEMO / "root_ca.pem",
                             at=AT)
    assert report["outcome"] == "trusted"
    assert report["verdict"] == "pass"
    assert report == cli_json("verify", DEMO, "--policy", DEMO / "policy.yaml", "--root-ca",
                              DEMO / "root_ca.pem", "--at", AT, "--format", "json", expect=0)


def test_verify_demo_without_its_root_is_untrusted_not_an_error():
    report = ccverify.verify(DEMO, policy=DEMO / "policy.yaml", at=AT)
    assert report["outcome"] == "untrusted"
    failed = [c["id"] for c in report["checks"] if c["status"] == "fail"]
    assert "quote.pck_chain" in failed


def test_verify_missing_bundle_raises_an_input_error():
    with pytest.raises(ccverify.Error) as e:
        ccverify.verify("/nonexistent/ccv-bundle")
    assert e.value.exit_code == 3
    assert "/nonexistent/ccv-bundle" in str(e.value)


def test_verify_bad_nonce_raises_a_usage_error():
    with pytest.raises(ccverify.Error) as e:
        ccverify.verify(DEMO, nonce="xyz")
    assert e.value.exit_code == 2


def test_verify_unknown_option_is_a_type_error():
    with pytest.raises(TypeError):
        ccverify.verify(DEMO, polcy="p.yaml")


def test_replay_demo_equals_the_cli():
    logs = dict(ccel=DEMO / "CCEL.data", ima=DEMO / "ascii_runtime_measurements",
                quote=DEMO / "quote.bin")
    report = ccverify.replay(**logs)
    assert report == cli_json("replay", "--ccel", logs["ccel"], "--ima", logs["ima"], "--quote",
                              logs["quote"], "--json", expect=0)
    assert all(report["matches_quote"].values())


def test_verify_quote_equals_the_cli():
    report = ccverify.verify_quote(DEMO / "quote.bin", DEMO / "collateral.json",
                                   root_ca=DEMO / "root_ca.pem", at=AT)
    assert report == cli_json("quote", "verify", DEMO / "quote.bin", "--collateral",
                              DEMO / "collateral.json", "--root-ca", DEMO / "root_ca.pem",
                              "--at", AT, "--json", expect=0)


def test_verify_quote_unknown_tcb_status_raises():
    with pytest.raises(ccverify.Error) as e:
        ccverify.verify_quote(DEMO / "quote.bin", DEMO / "collateral.json", accept_tcb=["Fine"])
    assert e.value.exit_code == 2


@pytest.mark.skipif(not (CORPUS / "evidence" / "gcp-cos113").is_dir(),
                    reason="shared corpus absent (CCV_CORPUS)")
def test_verify_corpus_bundle_equals_the_cli():
    bundle = CORPUS / "evidence" / "gcp-cos113"
    at = "2025-06-01T00:00:00Z"
    run = subprocess.run([CLI, "verify", str(bundle), "--at", at, "--format", "json"],
                         capture_output=True, text=True, check=False)
    if run.returncode not in (0, 1):
        # The CLI could not evaluate it either: the binding must raise the same way.
        with pytest.raises(ccverify.Error) as e:
            ccverify.verify(bundle, at=at)
        assert e.value.exit_code == run.returncode
        return
    assert ccverify.verify(bundle, at=at) == json.loads(run.stdout)


def test_version_is_the_cli_version():
    run = subprocess.run([CLI, "--version"], capture_output=True, text=True, check=True)
    assert run.stdout.startswith("ccverify " + ccverify.__version__)
