/**
 * Reads the commands out of our Markdown docs so a test can run them exactly as written: fenced
 * `sh`/`bash` blocks (scripts, with the unlabelled block after one as its expected output) and
 * unlabelled blocks of `$ command` lines followed by their output.
 */
import { readFileSync } from 'node:fs';

export interface DocCommand {
  /** `docs/cli.md:88` */
  where: string;
  /** The command as written (continuation lines and heredoc bodies included). */
  command: string;
  /** The exit code the doc states, `(exit code N)` in a comment after it; 0 otherwise. */
  exitCode: number;
  /** The output the doc shows for it, if any. */
  output?: string;
}

export interface DocScript {
  where: string;
  commands: DocCommand[];
}

interface Block {
  line: number;
  lang: string;
  lines: string[];
}

function blocks(text: string): Block[] {
  const out: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^```\s*$/.test(lines[j] ?? ''); j++) body.push(lines[j] ?? '');
    out.push({ line: i + 2, lang: open[1] ?? '', lines: body });
    i = j;
  }
  return out;
}

/** Splits a script into commands: `\` continuations and heredocs stay with their command. */
export function splitCommands(lines: string[], firstLine: number, file: string): DocCommand[] {
  const cmds: DocCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.trim()) continue;
    if (line.trimStart().startsWith('#')) {
      const exit = /\(exit code (\d+)\)/.exec(line);
      const last = cmds.at(-1);
      if (exit && last) last.exitCode = Number(exit[1]);
      continue;
    }
    const start = i;
    const parts = [line];
    while (/\\$/.test(parts.at(-1) ?? '') && i + 1 < lines.length) parts.push(lines[++i] ?? '');
    const heredoc = /<<-?\s*'?"?(\w+)'?"?/.exec(parts.join('\n'));
    if (heredoc)
      while (i + 1 < lines.length) {
        const next = lines[++i] ?? '';
        parts.push(next);
        if (next.trim() === heredoc[1]) break;
      }
    cmds.push({ where: `${file}:${firstLine + start}`, command: parts.join('\n'), exitCode: 0 });
  }
  return cmds;
}

/** Every script and `$` example in a Markdown file, in order. */
export function docScripts(path: string, label: string): DocScript[] {
  const all = blocks(readFileSync(path, 'utf8'));
  const scripts: DocScript[] = [];
  for (let b = 0; b < all.length; b++) {
    const block = all[b] as Block;
    if (block.lang === 'sh' || block.lang === 'bash') {
      const commands = splitCommands(block.lines, block.line, label);
      const next = all[b + 1];
      // An unlabelled block right after a script is the output of its last command.
      if (next && next.lang === '' && !next.lines.some((l) => l.startsWith('$ ')) && commands.length) {
        (commands.at(-1) as DocCommand).output = next.lines.join('\n');
        b++;
      }
      scripts.push({ where: `${label}:${block.line}`, commands });
    } else if (block.lang === '' && block.lines[0]?.startsWith('$ ')) {
      const commands: DocCommand[] = [];
      block.lines.forEach((l, k) => {
        if (l.startsWith('$ '))
          commands.push({
            where: `${label}:${block.line + k}`,
            command: l.slice(2),
            exitCode: 0,
            output: '',
          });
        else {
          const cur = commands.at(-1);
          if (cur) cur.output = cur.output ? `${cur.output}\n${l}` : l;
        }
      });
      scripts.push({ where: `${label}:${block.line}`, commands });
    }
  }
  return scripts;
}

/** Output compared the way a reader compares it: ages and padding do not matter. */
export function normaliseOutput(text: string): string[] {
  return text
    .split('\n')
    .map((l) =>
      l
        .replace(/\b\d+(s|m|h|d)\b/g, '<age>')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter(Boolean);
}
