import { dialog, type BrowserWindow } from 'electron';

export async function pickModelFile(win: BrowserWindow | null): Promise<string | null> {
  const options = {
    title: 'Import a model',
    properties: ['openFile' as const],
    filters: [
      { name: 'ONNX models', extensions: ['onnx'] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
  const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
}
