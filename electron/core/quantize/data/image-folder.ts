// A folder of PNG/JPEG images as float32 model-input rows. With class subfolders it is an ImageFolder
// (torchvision's layout): classes are the sorted subfolder names and each image's label is its
// class index. Images are decoded only when their rows are read, so a folder streams batch by batch.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import { decodeImage } from './image-decode.js';
import { imageToRow } from './image-tensor.js';
import { rowShapeOf, type ResolvedPreprocess } from './preprocess.js';

export interface ImageList {
  files: string[];
  /** Class index per file; null when the folder has no class subfolders. */
  labels: number[] | null;
  classes: string[] | null;
}

const IMAGE = /\.(png|jpe?g)$/i;
// Plain code-unit order, as Python's sorted(): the label indices must match torchvision's.
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function imagesUnder(dir: string): Promise<string[]> {
  const entries = (await fsp.readdir(dir, { withFileTypes: true })).sort((a, b) => byName(a.name, b.name));
  const out: string[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await imagesUnder(full)));
    else if (e.isFile() && IMAGE.test(e.name)) out.push(full);
  }
  return out;
}

export async function listImages(dir: string): Promise<ImageList> {
  let entries;
  try {
    entries = (await fsp.readdir(dir, { withFileTypes: true })).sort((a, b) => byName(a.name, b.name));
  } catch (err) {
    throw new AppError('DATA_FOLDER', 'Cannot read the image folder', `${dir}: ${(err as Error).message}`);
  }
  const classes = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  const loose = entries.filter((e) => e.isFile() && IMAGE.test(e.name)).map((e) => path.join(dir, e.name));
  if (classes.length && loose.length) {
    throw new AppError('DATA_FOLDER', 'Image folder mixes images and class folders', `${path.basename(dir)} holds ${loose.length} image(s) beside ${classes.length} class folder(s) (e.g. ${path.basename(loose[0])}). Put every image in a class folder, or use a flat folder without subfolders.`);
  }
  if (!classes.length) {
    if (!loose.length) throw emptyFolder(dir);
    return { files: loose, labels: null, classes: null };
  }
  const files: string[] = [];
  const labels: number[] = [];
  for (const [label, name] of classes.entries()) {
    for (const f of await imagesUnder(path.join(dir, name))) {
      files.push(f);
      labels.push(label);
    }
  }
  if (!files.length) throw emptyFolder(dir);
  return { files, labels, classes };
}

function emptyFolder(dir: string): AppError {
  return new AppError('DATA_FOLDER_EMPTY', 'No images in the folder', `${path.basename(dir)} holds no .png, .jpg or .jpeg files (in itself or in class subfolders).`);
}

/** Rows [start, start + count) of the folder, decoded and preprocessed. */
export async function readImageRows(list: ImageList, p: ResolvedPreprocess, start: number, count: number): Promise<Float32Array> {
  const rowSize = rowShapeOf(p).reduce((a, b) => a * b, 1);
  const out = new Float32Array(count * rowSize);
  for (let i = 0; i < count; i++) {
    const file = list.files[start + i];
    let bytes: Uint8Array;
    try {
      bytes = await fsp.readFile(file);
    } catch (err) {
      throw new AppError('DATA_IMAGE_INVALID', 'Unreadable image', `${path.basename(file)}: ${(err as Error).message}`);
    }
    imageToRow(decodeImage(bytes, file), p, out, i * rowSize);
  }
  return out;
}
