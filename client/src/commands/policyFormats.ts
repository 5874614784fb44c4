/**
 * The policy formats offered where the editor generates or saves a policy:
 * the same list as `planewise policy --format`, from its plain-data catalog
 * (the formats themselves run in the worker).
 */
import * as vscode from 'vscode';
import { POLICY_FORMAT_CATALOG } from '@planewise/analysis-core/policy-formats';

export interface PolicyFormatChoice {
  /** `json` or a `planewise policy --format` name. */
  name: string;
  label: string;
  fileSuffix: string;
}

export const POLICY_FORMAT_CHOICES: readonly PolicyFormatChoice[] = [
  { name: 'json', label: 'Planewise policy (JSON, with denials; Check Drift reads it)', fileSuffix: '.policy.json' },
  ...POLICY_FORMAT_CATALOG,
];

export function policyFormatChoice(name: string): PolicyFormatChoice | undefined {
  return POLICY_FORMAT_CHOICES.find((choice) => choice.name === name);
}

/** Asks which format; undefined when the user dismissed the picker. */
export async function pickPolicyFormat(title: string): Promise<PolicyFormatChoice | undefined> {
  const picked = await vscode.window.showQuickPick(
    POLICY_FORMAT_CHOICES.map((choice) => ({ label: choice.label, description: choice.name === 'json' ? undefined : `--format ${choice.name}`, choice })),
    { title, placeHolder: 'The policy format', ignoreFocusOut: true },
  );
  return picked?.choice;
}
