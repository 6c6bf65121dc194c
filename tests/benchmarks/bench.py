"""Speed and scale benchmark: this engine against bm25s and plain scikit-learn TF-IDF.

    python -m tests.benchmarks.bench [--sizes 761,10000,100000] [--queries 200]

Each (system, size) runs in its own process, so peak memory (ru_maxrss) is its own.
Then the engine and bm25s are timed again side by side in one process, question by
question, so that their ratio does not drift with the machine between processes: once
on an engine just loaded, once on another start that has run `Engine.prepare`, as the
REPL and the Discord bot do in the background. Up to 10,000 passages that is done in
SIDE_BY_SIDE_PROCESSES processes and their medians printed, with each one's ratios.
Corpora are deterministic: the PIAF paragraphs themselves at 761, and above that
passages of 2-6 sentences drawn with a fixed seed from the sentences of the seeds and
PIAF. Questions are a fixed sample of the PIAF dev questions. Last, whole `python -m
bot ask` processes on the seeds are timed (`--cold-starts`), and every target of issue 7
is printed with this run's figure and whether it was met. Needs the `bench` extra
(bm25s) and ../shared/eval/piaf/.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIAF = ROOT.parent / "shared" / "eval" / "piaf"
SYSTEMS = ("engine", "bm25s", "sklearn")
WARMUP = 20
# Builds of each system timed in turn, side by side, on corpora of up to 10,000 passages.
SIDE_BY_SIDE_BUILDS = 5
# Side-by-side processes per size up to 10,000 passages, whose medians are printed: the
# same code gives ratios 10 to 15% apart from one process to the next (memory layout).
SIDE_BY_SIDE_PROCESSES = 5
# Whole `python -m bot ask` processes timed for the cold-start target (under 1 s).
COLD_STARTS = 7
COLD_START_QUESTION = "Qui est John Matze ?"


def corpus_records(size: int) -> list[dict[str, str]]:
    """`size` passages as .jsonl records; 761 is the real PIAF corpus."""
    piaf = [json.loads(line) for line in (PIAF / "corpus.jsonl").read_text("utf-8").splitlines()]
    if size == len(piaf):
        return piaf
    from knowledge.corpus import load_corpus
    from knowledge.sentences import split_sentences

    sentences = [s for r in piaf for s in split_sentences(r["text"])]
    for passage in load_corpus(ROOT / "seeds").passages:
        sentences.extend(split_sentences(passage.text))
    titles = sorted({r["title"] for r in piaf})
    rng = random.Random(size)
    return [
        {
            "id": f"syn-{n}",
            "title": rng.choice(titles),
            "text": " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 6))),
        }
        for n in range(size)
    ]


def questions(count: int) -> list[str]:
    from knowledge.evaluate import load_questions

    every = load_questions(PIAF / "dev-questions.yaml")
    return [q.q for q in random.Random(0).sample(every, min(count, len(every)))]


def timed(run, items: list[str]) -> list[float]:
    for item in items[:WARMUP]:
        run(item)
    out = []
    for item in items:
        start = time.perf_counter()
        run(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run_one(system: str, size: int, count: int) -> dict[str, float]:
    """Runs in a child process: build, save, reload, then time the questions."""
    records = corpus_records(size)
    asked = questions(count)
    result: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        if system == "engine":
            from knowledge.engine import Engine

            corpus = write_corpus(records, workdir)
            # Build: from the file to an engine ready to answer, nothing saved (bm25s's
            # build saves nothing either). Then a first start saves the corpus and
            # indexes, and the timed load is the next start.
            start = time.perf_counter()
            Engine.from_corpus(corpus)
            result["build_s"] = time.perf_counter() - start
            start = time.perf_counter()
            Engine.from_corpus(corpus, cache_dir=workdir / "cache")
            result["first_start_s"] = time.perf_counter() - start
            start = time.perf_counter()
            engine = Engine.from_corpus(corpus, cache_dir=workdir / "cache")
            result["load_s"] = time.perf_counter() - start
            result["disk_mb"] = directory_size(workdir / "cache") / 1e6
            retrieval = timed(lambda q: engine.scores(engine.parse(q)), asked)
            # The answer users get: the default three passages with key sentences,
            # picked from the ten best, plus corroboration and conflicts.
            full = timed(lambda q: engine.ask(q), asked)
            result.update(_percentiles("retrieval", retrieval))
            result.update(_percentiles("ask", full))
        elif system == "bm25s":
            import bm25s

            corpus = write_corpus(records, workdir)
            # Like the engine's, the build starts from the file on disk.
            start = time.perf_counter()
            retriever, ask = bm25s_retriever(corpus)
            result["build_s"] = time.perf_counter() - start
            retriever.save(workdir / "bm25s")
            result["disk_mb"] = directory_size(workdir / "bm25s") / 1e6
            start = time.perf_counter()
            bm25s.BM25.load(workdir / "bm25s")
            result["load_s"] = time.perf_counter() - start
            result.update(_percentiles("retrieval", timed(ask, asked)))
        else:
            import numpy as np
            from sklearn.feature_extraction.text import TfidfVectorizer

            texts = [f"{r['title']} {r['text']}" for r in records]
            start = time.perf_counter()
            vectorizer = TfidfVectorizer(sublinear_tf=True)
            matrix = vectorizer.fit_transform(texts)
            result["build_s"] = time.perf_counter() - start

            def ask(question: str) -> None:
                scores = (matrix @ vectorizer.transform([question]).T).toarray().ravel()
                np.argpartition(-scores, 10)[:10]

            result.update(_percentiles("retrieval", timed(ask, asked)))
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def write_corpus(records: list[dict[str, str]], workdir: Path) -> Path:
    corpus = workdir / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    return corpus


def bm25s_retriever(corpus: Path):
    """bm25s indexed from the .jsonl file, and its 10-best retrieval for one question."""
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("french")
    read = [json.loads(line) for line in corpus.read_text("utf-8").splitlines()]
    texts = [f"{r['title']} {r['text']}" for r in read]
    tokens = bm25s.tokenize(texts, stopwords="fr", stemmer=stemmer, show_progress=False)
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)

    def ask(question: str) -> None:
        query = bm25s.tokenize([question], stopwords="fr", stemmer=stemmer, show_progress=False)
        retriever.retrieve(query, k=10, show_progress=False, n_threads=1)

    return retriever, ask


def run_side_by_side(size: int, count: int) -> dict[str, float]:
    """The engine and bm25s timed question by question in one process, so a machine
    that slows down mid-run slows both alike: the ratios are what this run is for.
    Each question goes first to the engine's whole answer (nothing about it remembered
    yet), then to its retrieval, then to bm25s. Builds alternate the same way."""
    from knowledge.engine import Engine

    asked = questions(count)
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        corpus = write_corpus(corpus_records(size), workdir)
        # Builds in turn, each pair compared (small corpora only: at a million passages
        # one build of each takes minutes and both would not fit in memory together).
        build_ratios = []
        for _ in range(SIDE_BY_SIDE_BUILDS if size <= 10_000 else 0):
            start = time.perf_counter()
            Engine.from_corpus(corpus)
            engine_build = time.perf_counter() - start
            start = time.perf_counter()
            bm25s_retriever(corpus)
            build_ratios.append(engine_build / (time.perf_counter() - start))
        _, bm25s_ask = bm25s_retriever(corpus)
        Engine.from_corpus(corpus, cache_dir=workdir / "cache")
        engine = Engine.from_corpus(corpus, cache_dir=workdir / "cache")

        def retrieval(question: str) -> None:
            engine.scores(engine.parse(question))

        ask, retrieval_ms, bm25s_ms = _interleaved(asked, (engine.ask, retrieval, bm25s_ask))
        # Prepared: another start whose passages are prepared first, as the REPL and
        # the Discord bot do in the background (`Engine.prepare`; nothing is
        # prepared past PREPARED_PASSAGES passages).
        prepared = Engine.from_corpus(corpus, cache_dir=workdir / "cache")
        start = time.perf_counter()
        prepared.prepare()
        prepare_s = time.perf_counter() - start
        prepared_ms, prepared_bm25s_ms = _interleaved(asked, (prepared.ask, bm25s_ask))
    return {
        **_percentiles("ask", ask),
        **_percentiles("retrieval", retrieval_ms),
        **_percentiles("bm25s", bm25s_ms),
        "ask_ratio": statistics.median(ask) / statistics.median(bm25s_ms),
        "retrieval_ratio": statistics.median(retrieval_ms) / statistics.median(bm25s_ms),
        **_percentiles("prepared", prepared_ms),
        "prepared_ratio": statistics.median(prepared_ms) / statistics.median(prepared_bm25s_ms),
        "prepare_s": prepare_s,
        "build_ratio": statistics.median(build_ratios) if build_ratios else float("nan"),
    }


def _interleaved(asked: list[str], runs: Sequence[Callable[[str], object]]) -> list[list[float]]:
    """Each run's milliseconds per question, the runs taking turns question by question
    (after WARMUP questions each)."""
    for question in asked[:WARMUP]:
        for run in runs:
            run(question)
    times: list[list[float]] = [[] for _ in runs]
    for question in asked:
        for run, found in zip(runs, times, strict=True):
            start = time.perf_counter()
            run(question)
            found.append((time.perf_counter() - start) * 1000)
    return times


def _percentiles(name: str, values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        f"{name}_p50_ms": statistics.median(ordered),
        f"{name}_p95_ms": ordered[max(0, int(len(ordered) * 0.95) - 1)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="761,10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument(
        "--cold-starts",
        type=int,
        default=COLD_STARTS,
        help="times `python -m bot ask` is run on the seeds, from a saved index (0: none)",
    )
    parser.add_argument("--child", nargs=2, metavar=("SYSTEM", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        system, size = args.child[0], int(args.child[1])
        if system == "side":
            print(json.dumps(run_side_by_side(size, args.queries)))
        else:
            print(json.dumps(run_one(system, size, args.queries)))
        return
    print(
        f"machine: {subprocess.check_output(['nproc']).decode().strip()} cores; "
        f"{args.queries} PIAF questions, median of per-query wall time after warm-up"
    )
    header = (
        f"{'size':>9} {'system':>8} {'build s':>8} {'load s':>7} {'disk MB':>8} {'peak MB':>8} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'ask p50':>8} {'ask p95':>8} {'p50/bm25s':>9} "
        f"{'ask/bm25s':>9} {'build/bm25s':>11} {'load/build':>10}"
    )
    print(header)
    systems = args.systems.split(",")
    side_by_side: dict[int, list[dict[str, float]]] = {}
    tables: dict[int, dict[str, dict[str, float]]] = {}
    for size in (int(s) for s in args.sizes.split(",")):
        rows = tables[size] = {system: _child(system, size, args.queries) for system in systems}
        if "engine" in rows and "bm25s" in rows:
            processes = SIDE_BY_SIDE_PROCESSES if size <= 10_000 else 1
            side_by_side[size] = [_child("side", size, args.queries) for _ in range(processes)]
        base = rows.get("bm25s")
        for system, row in rows.items():
            nan = float("nan")
            ratio = row["retrieval_p50_ms"] / base["retrieval_p50_ms"] if base else nan
            ask = row.get("ask_p50_ms", nan) / base["retrieval_p50_ms"] if base else nan
            build = row["build_s"] / base["build_s"] if base else nan
            print(
                f"{size:>9} {system:>8} {row['build_s']:>8.2f} {row.get('load_s', float('nan')):>7.2f} "
                f"{row.get('disk_mb', float('nan')):>8.1f} {row['peak_rss_mb']:>8.0f} "
                f"{row['retrieval_p50_ms']:>8.2f} {row['retrieval_p95_ms']:>8.2f} "
                f"{row.get('ask_p50_ms', nan):>8.2f} {row.get('ask_p95_ms', nan):>8.2f} "
                f"{ratio:>9.2f} {ask:>9.2f} {build:>11.2f} "
                f"{row.get('load_s', nan) / row['build_s']:>10.3f}",
                flush=True,
            )
    if side_by_side:
        print(
            "\nside by side (engine and bm25s in one process, question by question; "
            "each question's whole answer first; prepared: after Engine.prepare, "
            f"as the bot does at start; median of {SIDE_BY_SIDE_PROCESSES} processes up "
            "to 10,000 passages)"
        )
        print(
            f"{'size':>9} {'ask p50':>8} {'ask p95':>8} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'bm25s p50':>9} {'bm25s p95':>9} {'ask/bm25s':>9} {'p50/bm25s':>9} "
            f"{'build/bm25s':>11} {'prepare s':>9} {'prep. p50':>9} {'prep./bm25s':>11}"
        )
        for size, runs in side_by_side.items():
            row = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
            print(
                f"{size:>9} {row['ask_p50_ms']:>8.2f} {row['ask_p95_ms']:>8.2f} "
                f"{row['retrieval_p50_ms']:>8.2f} {row['retrieval_p95_ms']:>8.2f} "
                f"{row['bm25s_p50_ms']:>9.2f} {row['bm25s_p95_ms']:>9.2f} "
                f"{row['ask_ratio']:>9.2f} {row['retrieval_ratio']:>9.2f} "
                f"{row['build_ratio']:>11.2f} {row['prepare_s']:>9.3f} "
                f"{row['prepared_p50_ms']:>9.2f} {row['prepared_ratio']:>11.2f}"
            )
        print("\neach side-by-side process (medians above): ask / bm25s, then prepared")
        for size, runs in side_by_side.items():
            cold = " ".join(f"{run['ask_ratio']:.2f}" for run in runs)
            prepared = " ".join(f"{run['prepared_ratio']:.2f}" for run in runs)
            print(f"{size:>9}  {cold}  |  {prepared}")
    lines = target_lines(tables, side_by_side)
    if args.cold_starts > 0:
        start = statistics.median(cold_starts(args.cold_starts))
        lines.append(
            f"cold start, `python -m bot ask` on the seeds, median of {args.cold_starts}: "
            f"{start:.2f} s (< 1 s: {'met' if start < 1 else 'NOT met'})"
        )
    print("\ntargets (issue 7), this run's figures:")
    for line in lines:
        print(f"  {line}")


def cold_starts(runs: int) -> list[float]:
    """Wall seconds of whole `python -m bot ask` processes on the bundled seeds, as a
    user starts one: interpreter, imports, the saved index loaded, one answer. A first
    run saves the index in a scratch cache folder; it is not counted."""
    command = [sys.executable, "-m", "bot", "ask", COLD_START_QUESTION]
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "QA_INDEX_CACHE": cache}
        subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True)
            times.append(time.perf_counter() - start)
    return times


def target_lines(
    tables: dict[int, dict[str, dict[str, float]]],
    side_by_side: dict[int, list[dict[str, float]]],
) -> list[str]:
    """Each target with its figure and whether this run met it: the whole answer's
    median at most bm25s's (side by side, on a prepared and on a just-loaded engine),
    the build at most bm25s's, the load under a tenth of the build, a million passages
    within 8 GiB."""

    def met(ok: bool) -> str:
        return "met" if ok else "NOT met"

    lines = []
    for size, rows in tables.items():
        engine, base = rows.get("engine"), rows.get("bm25s")
        if engine is None:
            continue
        runs = side_by_side.get(size)
        if base is not None:
            if runs:
                for key, name in (("prepared_ratio", "prepared"), ("ask_ratio", "just loaded")):
                    ratio = statistics.median(run[key] for run in runs)
                    lines.append(
                        f"{size:>9}: ask p50 / bm25s, side by side, {name}: {ratio:.2f} "
                        f"(<= 1: {met(ratio <= 1)})"
                    )
            # Builds taking turns in one process when there are (a fraction of a second
            # apart at 761 records, separate processes differ by their start-up).
            alternated = [run["build_ratio"] for run in runs or () if run["build_ratio"] > 0]
            build = (
                statistics.median(alternated) if alternated else engine["build_s"] / base["build_s"]
            )
            how = "builds taking turns" if alternated else "separate processes"
            lines.append(f"{size:>9}: build / bm25s, {how}: {build:.2f} (<= 1: {met(build <= 1)})")
        load = engine["load_s"] / engine["build_s"]
        lines.append(f"{size:>9}: load / build {load:.3f} (< 0.1: {met(load < 0.1)})")
        if size >= 1_000_000:
            peak = engine["peak_rss_mb"]
            lines.append(f"{size:>9}: peak memory {peak:.0f} MB (<= 8 GiB: {met(peak <= 8192)})")
    return lines


def _child(system: str, size: int, queries: int) -> dict[str, float]:
    """One measurement in a fresh process (its own peak memory, nothing cached)."""
    out = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.bench", "--child", system, str(size),
         "--queries", str(queries)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
