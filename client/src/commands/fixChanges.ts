/**
 * After a fix that also changed files besides the one in the editor: names
 * them, with Open and Undo. The code action waits for its command, so the
 * notification is shown without waiting for an answer.
 */
import * as vscode from 'vscode';

export function showFixChanges(title: string, uris: readonly string[]): void {
  void askAboutFixChanges(title, uris);
}

async function askAboutFixChanges(title: string, uris: readonly string[]): Promise<void> {
  const files = uris.map((uri) => vscode.Uri.parse(uri));
  if (files.length === 0) return;
  const editor = vscode.window.activeTextEditor;
  const names = files.map((file) => vscode.workspace.asRelativePath(file)).join(', ');
  const choice = await vscode.window.showInformationMessage(`${title}: also changed ${names}.`, 'Open', 'Undo');
  if (choice === 'Open') {
    for (const file of files) await vscode.window.showTextDocument(file, { preview: false, preserveFocus: files.length > 1 });
  } else if (choice === 'Undo' && editor !== undefined) {
    // The fix was one workspace edit: undoing it from the editor it was made in undoes it in every file.
    await vscode.window.showTextDocument(editor.document, editor.viewColumn);
    await vscode.commands.executeCommand('undo');
  }
}
