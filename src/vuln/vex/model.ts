/**
 * The normalised VEX statement both readers (OpenVEX, CycloneDX VEX) produce and the suppressor
 * evaluates. One statement: these vulnerability ids, these products, this status, since then.
 */
import type { ParsedPurl } from './purl.js';

export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';

/** Something a statement names: a package or the image. */
export type ProductRef =
  /** a purl: a package (any type but oci), or the image (pkg:oci) */
  | { kind: 'purl'; purl: ParsedPurl; raw: string }
  /** a bom-ref of the scanned SBOM (plimsoll package ids "pkg-..."), from CycloneDX VEX */
  | { kind: 'bom-ref'; ref: string; raw: string }
  /** an image digest or reference */
  | { kind: 'image'; raw: string };

/** One product of a statement: what names it (any may match) and the components it narrows to. */
export interface VexProduct {
  refs: ProductRef[];
  /** OpenVEX subcomponents: each entry is one subcomponent's references; empty = the whole product */
  subcomponents: ProductRef[][];
}

export interface VexStatement {
  /** upper-cased vulnerability ids: name, the id in @id, aliases */
  ids: string[];
  /** the name as written, for messages */
  name: string;
  products: VexProduct[];
  status: VexStatus;
  /** the status as the document wrote it (CycloneDX analysis.state), when it differs */
  sourceStatus?: string;
  justification?: string;
  /** human text: impact statement, status notes, action statement, CycloneDX detail */
  text?: string;
  /** ms since epoch; -Infinity when neither statement nor document has a time */
  time: number;
  /** position across all loaded documents: later wins a tie */
  order: number;
  /** file the statement came from */
  file: string;
  /** where in the file ("statements[2]", "vulnerabilities[0]") */
  where: string;
  /** CycloneDX affects[].versions: the statement applies only to these package versions */
  versions?: string[];
}

export interface VexDocument {
  file: string;
  format: 'openvex' | 'cyclonedx';
  statements: VexStatement[];
  warnings: string[];
}
