"""Runs a planewise read over many traces as shards on a Dask cluster.

Each shard is one `planewise COMMAND <files> --emit-state` on a worker, COMMAND
being the one that will read the result (`--for`: summarize, policy, which
also serves drift, or report, which serves them all); the shard states are
merged with `planewise merge`, up to eight at a time, as a tree reduce on
the cluster; the result is one state file, the same counts one process
reading every trace would give. Use it with `planewise COMMAND --from-state STATE`.

States travel through Dask as bytes, so workers need no shared folder for
them; the traces themselves must be readable by every worker at the same
paths (a shared file system, or a copy per machine).

    python3 planewise_dask.py run --local 2 --for policy --out all.state runs/
    python3 planewise_dask.py run --scheduler tcp://10.0.0.5:8786 --out all.state runs/

Without Dask, `shard` reads shard I of N on this machine (a Kubernetes
Indexed Job runs one per pod; a last step merges them with `planewise merge`):

    python3 planewise_dask.py shard --index 3 --count 8 --out shard-3.state runs/
"""

import argparse
import os
import subprocess
import sys
import tempfile

TRACE_SUFFIXES = ('.trace.jsonl', '.trace.jsonl.gz', '.otlp.json', '.otlp.jsonl', '.otlp.json.gz', '.otlp.jsonl.gz')
DEFAULT_SHARD_BYTES = 256 * 1024 * 1024
# A state holds only the analyses of the command that wrote it: the shards run the command that will read it.
COMMANDS = ('summarize', 'policy', 'report')
# The commands that count principals, and so take --max-principals.
PRINCIPAL_COMMANDS = ('policy', 'report')
# States merged by one `planewise merge` by default: each merge is a process start and every state read
# and written again, so fewer, wider merges cost less than a binary tree, and a thousand shards still
# merge in four levels.
DEFAULT_FAN_IN = 8


def list_inputs(paths):
    """Every trace file under `paths` (files are taken as named), sorted, once each."""
    found = set()
    for given in paths:
        if os.path.isdir(given):
            for folder, _, names in os.walk(given):
                found.update(os.path.join(folder, name) for name in names if name.endswith(TRACE_SUFFIXES))
        else:
            found.add(given)
    return sorted(os.path.abspath(path) for path in found)


def plan_shards(files, shard_bytes):
    """Consecutive files, about `shard_bytes` each; a larger file is a shard of its own."""
    shards, current, size = [], [], 0
    for path in files:
        file_size = os.path.getsize(path)
        if current and size + file_size > shard_bytes:
            shards.append(current)
            current, size = [], 0
        current.append(path)
        size += file_size
    if current:
        shards.append(current)
    return shards


def split_shards(files, count):
    """`files` in `count` groups of about equal bytes (largest first, each to the lightest group), each in name order."""
    groups = [[] for _ in range(count)]
    loads = [0] * count
    for path in sorted(files, key=lambda path: (-os.path.getsize(path), path)):
        lightest = min(range(count), key=lambda index: (loads[index], index))
        groups[lightest].append(path)
        loads[lightest] += os.path.getsize(path)
    return [sorted(group) for group in groups]


def _run(planewise, args):
    """Runs planewise; exit 1 (invalid lines skipped) is a result, 2 is a failure."""
    run = subprocess.run([*planewise, *args], capture_output=True, text=True)
    if run.returncode not in (0, 1):
        raise RuntimeError(f"planewise {args[0]} failed with exit {run.returncode}: {run.stderr.strip()}")
    return run


def _principal_limit(command, max_principals):
    return ['--max-principals', str(max_principals)] if max_principals and command in PRINCIPAL_COMMANDS else []


def read_shard(planewise, files, command='report', max_principals=None):
    """One shard's state for `command`, as bytes."""
    with tempfile.TemporaryDirectory() as folder:
        state = os.path.join(folder, 'shard.state')
        _run(planewise, [command, *files, '--emit-state', state, '-o', os.devnull, *_principal_limit(command, max_principals)])
        with open(state, 'rb') as handle:
            return handle.read()


def merge_states(planewise, states, max_principals=None):
    """States merged, as bytes."""
    with tempfile.TemporaryDirectory() as folder:
        names = []
        for index, content in enumerate(states):
            names.append(os.path.join(folder, f'{index}.state'))
            with open(names[-1], 'wb') as handle:
                handle.write(content)
        out = os.path.join(folder, 'merged.state')
        limit = ['--max-principals', str(max_principals)] if max_principals else []
        _run(planewise, ['merge', *names, '-o', out, *limit])
        with open(out, 'rb') as handle:
            return handle.read()


def run(client, planewise, inputs, shard_bytes=DEFAULT_SHARD_BYTES, max_principals=None, command='report', fan_in=DEFAULT_FAN_IN):
    """The merged state for `command` of every trace under `inputs`, as bytes; shards and merges (of `fan_in` states each) run on `client`'s cluster."""
    if command not in COMMANDS:
        raise ValueError(f'command must be one of {", ".join(COMMANDS)}')
    if fan_in < 2:
        raise ValueError('fan_in must be 2 or more')
    files = list_inputs(inputs)
    if not files:
        raise ValueError('no trace files in the inputs')
    pending = [client.submit(read_shard, planewise, shard, command, max_principals, pure=False) for shard in plan_shards(files, shard_bytes)]
    while len(pending) > 1:
        groups = [pending[start:start + fan_in] for start in range(0, len(pending), fan_in)]
        pending = [group[0] if len(group) == 1 else client.submit(merge_states, planewise, group, max_principals, pure=False) for group in groups]
    return pending[0].result()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    commands = parser.add_subparsers(dest='command', required=True)
    on_dask = commands.add_parser('run', help='read every shard on a Dask cluster and merge them there')
    where = on_dask.add_mutually_exclusive_group(required=True)
    where.add_argument('--scheduler', help='address of a running Dask scheduler (tcp://host:8786)')
    where.add_argument('--local', type=int, metavar='N', help='start a local cluster of N worker processes')
    on_dask.add_argument('--shard-bytes', type=int, default=DEFAULT_SHARD_BYTES, help='trace bytes per shard (default 256 MiB)')
    on_dask.add_argument('--fan-in', type=int, default=DEFAULT_FAN_IN, help=f'states merged by one planewise merge (default {DEFAULT_FAN_IN}, at least 2)')
    one = commands.add_parser('shard', help='read shard INDEX of COUNT here, without Dask')
    one.add_argument('--index', type=int, required=True, help='which shard, from 0 (a Kubernetes Indexed Job: $JOB_COMPLETION_INDEX)')
    one.add_argument('--count', type=int, required=True, help='how many shards in all')
    for command in (on_dask, one):
        command.add_argument('--planewise', default='planewise', help='the planewise command (default: planewise; e.g. "node /opt/planewise/planewise.js")')
        command.add_argument('--for', dest='command_for', choices=COMMANDS, default='report', help='the command that will read the state (default report, whose state serves every command; summarize or policy write less, and policy serves drift too)')
        command.add_argument('--max-principals', type=int, help="passed on to planewise's --max-principals (policy and report)")
        command.add_argument('--out', required=True, help='where to write the state')
        command.add_argument('inputs', nargs='+', help='trace files and folders')
    options = parser.parse_args(argv)
    planewise = options.planewise.split()

    if options.command == 'shard':
        if not 0 <= options.index < options.count:
            parser.error(f'--index must be from 0 to {options.count - 1}')
        files = split_shards(list_inputs(options.inputs), options.count)[options.index]
        if not files:
            parser.error(f'shard {options.index} of {options.count} has no trace files: use fewer shards')
        state = read_shard(planewise, files, options.command_for, options.max_principals)
    else:
        if options.fan_in < 2:
            parser.error('--fan-in must be 2 or more')
        from dask.distributed import Client, LocalCluster

        if options.local is not None:
            with LocalCluster(n_workers=options.local, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
                state = run(client, planewise, options.inputs, options.shard_bytes, options.max_principals, options.command_for, options.fan_in)
        else:
            with Client(options.scheduler) as client:
                state = run(client, planewise, options.inputs, options.shard_bytes, options.max_principals, options.command_for, options.fan_in)
    with open(options.out, 'wb') as handle:
        handle.write(state)
    return 0


if __name__ == '__main__':
    sys.exit(main())
