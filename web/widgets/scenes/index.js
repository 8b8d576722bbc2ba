// @ts-check
/* index.js - the cell diagram's scenes, one per cell of names.mjs CELLS. A new cell adds its
 * scene module (see layout.js SceneModule) and one line here.
 */
import { CELLS } from '../../names.mjs';
import lstm from './lstm.js';
import gru from './gru.js';
import rnn from './rnn.js';
import { ctrnn, esn } from './leaky.js';
import cfn from './cfn.js';
import lsm from './lsm.js';

/** @type {Readonly<Record<string, import('./layout.js').SceneModule>>} */
export const SCENES = Object.freeze({ rnn, lstm, gru, ctrnn, esn, cfn, lsm });

for (const cell of CELLS) if (!SCENES[cell]) throw new Error(`celldiagram: no scene for cell ${cell}`);

/** The scene of a cell (lstm when none is given). @param {string} [cell] */
export const sceneOf = (cell = 'lstm') => SCENES[cell] ?? SCENES.rnn;
